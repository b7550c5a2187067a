import { TUS_RESUMABLE, TUS_VERSION } from '@tus/utils';
import { isAppError, type AppError } from '../errors/app-error.js';
import { appError, ERROR_CATALOGUE } from '../errors/catalogue.js';

/** Anything thrown, as an AppError: unknown errors are INTERNAL_ERROR carrying the original as cause. */
export function toAppError(error: unknown): AppError {
  return isAppError(error) ? error : appError('INTERNAL_ERROR', { cause: error });
}

/**
 * Every error response: `Content-Type: application/json` and `{error: {code, message, ...details}}`.
 * A 5xx shows only its code and the catalogue's message: no details, no internals.
 */
export function errorResponse(error: AppError, headers: Record<string, string> = {}): Response {
  const catalogued = (ERROR_CATALOGUE as Record<string, { message: string } | undefined>)[error.code];
  const body = error.status >= 500
    ? { error: { code: error.code, message: catalogued?.message ?? ERROR_CATALOGUE.INTERNAL_ERROR.message } }
    : error.toJSON();
  return new Response(JSON.stringify(body), { status: error.status, headers: { ...headers, 'Content-Type': 'application/json' } });
}

/**
 * The headers every tus response carries: Tus-Resumable, and on 412 the Tus-Version the
 * Server supports (tus 1.0.0: it MUST include the Tus-Version header into the response).
 */
export function tusErrorHeaders(error: AppError): Record<string, string> {
  return error.status === 412
    ? { 'Tus-Resumable': TUS_RESUMABLE, 'Tus-Version': TUS_VERSION.join(',') }
    : { 'Tus-Resumable': TUS_RESUMABLE };
}
