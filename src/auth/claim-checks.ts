import { appError } from '../errors/catalogue.js';
import { parseUploadMetadata } from '../uploads/metadata.js';
import type { UploadProtocol } from '../uploads/upload.js';
import type { Principal } from './principal.js';

/**
 * The size and schema claims of a token (ferry_max_size, ferry_schemas), checked against the
 * headers of an upload request before its handler runs. The handlers check the headers
 * themselves afterwards: a header that does not parse here is left to them (a 400).
 */

/** An upload's creation: the length it declares must fit the token, and its `schema` metadata (the automatic import) be allowed. */
export function checkCreationClaims(principal: Principal, protocol: UploadProtocol, headers: Headers): void {
  if (principal.schemas !== undefined) checkSchemaClaim(principal, schemaOfMetadata(headers));
  if (principal.maxUploadSize === undefined) return;
  // A final upload (tus concatenation) declares no length: it is the sum of its partial uploads, each checked at its creation.
  if (protocol === 'tus' && headers.get('upload-concat')?.trim().toLowerCase().startsWith('final') === true) return;
  const length = declaredLength(protocol, headers);
  // An upload of unknown length could grow past the limit before its length is known: the token asks for it up front.
  if (length === undefined) throw appError('AUTH_LENGTH_REQUIRED');
  checkLength(principal.maxUploadSize, length);
}

/** An append that declares the length late (tus creation-defer-length, an IETF Upload-Length): it must fit the token too. */
export function checkAppendClaims(principal: Principal, headers: Headers): void {
  if (principal.maxUploadSize === undefined) return;
  const length = integerHeader(headers, 'upload-length');
  if (length !== undefined) checkLength(principal.maxUploadSize, length);
}

/** An import's schema must be among the token's ferry_schemas, when it has that claim. */
export function checkSchemaClaim(principal: Principal, schema: string | undefined): void {
  if (principal.schemas === undefined || schema === undefined || principal.schemas.includes(schema)) return;
  throw appError('AUTH_SCHEMA_FORBIDDEN', { details: { schema } });
}

function checkLength(maxUploadSize: number, length: number): void {
  if (length > maxUploadSize) throw appError('AUTH_UPLOAD_TOO_LARGE', { details: { maxUploadSize } });
}

/** tus: Upload-Length (absent with Upload-Defer-Length). IETF: Upload-Length, or Upload-Complete: ?1 and the Content-Length. */
function declaredLength(protocol: UploadProtocol, headers: Headers): number | undefined {
  const stated = integerHeader(headers, 'upload-length');
  if (stated !== undefined || protocol === 'tus') return stated;
  return headers.get('upload-complete')?.trim() === '?1' ? integerHeader(headers, 'content-length') : undefined;
}

function integerHeader(headers: Headers, name: string): number | undefined {
  const value = headers.get(name)?.trim();
  if (value === undefined || !/^\d{1,16}$/.test(value)) return undefined;
  const number = Number(value);
  return Number.isSafeInteger(number) ? number : undefined;
}

function schemaOfMetadata(headers: Headers): string | undefined {
  const header = headers.get('upload-metadata');
  if (header === null) return undefined;
  try {
    return parseUploadMetadata(header).decoded.schema ?? undefined;
  } catch {
    // Malformed metadata: the handler answers 400 before anything is created.
    return undefined;
  }
}
