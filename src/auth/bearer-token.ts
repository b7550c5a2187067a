import { appError } from '../errors/catalogue.js';

/** base64url segments: a JWS in compact form is three of them, separated by dots. */
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*$/;
/** A credential far longer than any token ferry issues or expects is refused before it is parsed. */
const MAX_TOKEN_LENGTH = 8192;

/**
 * The token of `Authorization: Bearer <token>` (RFC 6750, section 2.1; the scheme is
 * case-insensitive). No header, or another scheme, is no credential (401 AUTH_REQUIRED, no
 * error code in the challenge); a Bearer header without a well-formed token is AUTH_INVALID.
 * Tokens are only ever read from this header: never from a query string, where a URL would
 * carry a long-lived secret into logs, histories and Referer headers.
 */
export function readBearerToken(authorization: string | undefined): string {
  const match = authorization === undefined ? null : /^Bearer(?: +(.*))?$/i.exec(authorization.trim());
  if (match === null) throw appError('AUTH_REQUIRED');
  const token = match[1]?.trim() ?? '';
  if (token.length > MAX_TOKEN_LENGTH || !COMPACT_JWS.test(token)) throw appError('AUTH_INVALID', { message: 'The bearer token is malformed.' });
  return token;
}
