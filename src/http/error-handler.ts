import type { ErrorHandler } from 'hono';
import type { AppEnv } from './context.js';
import { errorResponse, toAppError } from './error-response.js';

/** hono's onError: every thrown error becomes a JSON error response; a 5xx keeps its cause for the log. */
export function createErrorHandler(): ErrorHandler<AppEnv> {
  return function handleError(error, c) {
    const appError = toAppError(error);
    if (appError.status >= 500) c.set('errorCause', error);
    return errorResponse(appError);
  };
}
