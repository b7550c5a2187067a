import { type AppError, isAppError } from '../errors/app-error.js';
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
  const body = error.status >= 500 ? { error: { code: error.code, message: catalogued?.message ?? ERROR_CATALOGUE.INTERNAL_ERROR.message } } : error.toJSON();
  return new Response(JSON.stringify(body), { status: error.status, headers: { ...headers, 'Content-Type': 'application/json' } });
}
