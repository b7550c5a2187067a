import type { ErrorHandler } from 'hono';
import { wwwAuthenticateOf } from '../auth/www-authenticate.js';
import type { AppError } from '../errors/app-error.js';
import { rateLimitedHeaders } from '../limits/index.js';
import { ietfErrorHeaders } from '../protocols/ietf/index.js';
import { tusErrorHeaders } from '../protocols/tus/index.js';
import type { AppEnv } from './context.js';
import { errorResponse, toAppError } from './error-response.js';

/**
 * The one error path (hono's onError): every handler throws, and this answers. An AppError
 * becomes its status and JSON body; the protocol a /files request was routed to adds its
 * headers (tus: Tus-Resumable, Tus-Version on 412, Location of an upload the request
 * created; IETF: Upload-Complete: ?0, Upload-Offset on 409); a 405 names the Allow-ed
 * methods; a 401 or 403 of authentication carries its WWW-Authenticate challenge; a refusal
 * by a limit says when to retry or where to resume (limitHeaders). A 5xx keeps its cause in
 * the context for the access log.
 */
export function createErrorHook(): ErrorHandler<AppEnv> {
  return function errorHook(thrown, c) {
    const error = toAppError(thrown);
    if (error.status >= 500) c.set('errorCause', thrown);
    const protocol = c.get('protocol');
    const headers: Record<string, string> = protocol === 'tus' ? tusErrorHeaders(error.status) : protocol === 'ietf' ? ietfErrorHeaders(error) : {};
    const createdLocation = c.get('createdLocation');
    if (protocol === 'tus' && createdLocation !== undefined) headers.Location = createdLocation;
    const allow = c.get('allow');
    if (error.code === 'HTTP_METHOD_NOT_ALLOWED' && allow !== undefined) headers.Allow = allow;
    Object.assign(headers, limitHeaders(error));
    const challenge = wwwAuthenticateOf(error);
    if (challenge !== undefined) headers['WWW-Authenticate'] = challenge;
    const response = errorResponse(error, headers);
    if (c.get('bodyIncomplete')?.() === true) response.headers.set('Connection', 'close');
    return response;
  };
}

/**
 * A 429 (whoever threw it: the rate limits, or authentication after too many failures) and a
 * 503 that says when to retry (the authorization hook unavailable) get Retry-After and the
 * RateLimit fields; a body stopped by a quota or the disk guard (403, 507) gets
 * Upload-Offset, how far it got, so the client resumes there.
 */
function limitHeaders(error: AppError): Record<string, string> {
  if (error.details === undefined) return {};
  const headers = error.status === 429 || error.status === 503 ? rateLimitedHeaders(error.details) : {};
  const { offset } = error.details;
  if ((error.code === 'DISK_FULL' || error.code === 'QUOTA_BYTES_EXCEEDED') && typeof offset === 'number') headers['Upload-Offset'] = String(offset);
  return headers;
}
