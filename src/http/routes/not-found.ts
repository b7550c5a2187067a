import type { NotFoundHandler } from 'hono';
import { appError } from '../../errors/catalogue.js';
import type { AppEnv } from '../context.js';
import { errorResponse } from '../error-response.js';

/** hono's notFound: a JSON HTTP_NOT_FOUND. */
export function createNotFound(): NotFoundHandler<AppEnv> {
  return function notFound() {
    return errorResponse(appError('HTTP_NOT_FOUND'));
  };
}
