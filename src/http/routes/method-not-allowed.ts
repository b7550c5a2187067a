import type { Context } from 'hono';
import { appError } from '../../errors/catalogue.js';
import type { AppEnv } from '../context.js';

/** The methods of the API routes outside /files (whose Allow comes from its route table). */
export const API_ALLOWED_METHODS: Readonly<Record<string, string>> = {
  '/imports': 'POST, OPTIONS',
  '/imports/:id': 'GET, HEAD, OPTIONS',
  '/imports/:id/errors': 'GET, HEAD, OPTIONS',
  '/imports/:id/errors.csv': 'GET, HEAD, OPTIONS',
  '/imports/:id/rejected-rows': 'GET, HEAD, OPTIONS',
  '/schemas': 'GET, HEAD, OPTIONS',
  '/schemas/:name': 'GET, HEAD, OPTIONS',
};

/** 405 HTTP_METHOD_NOT_ALLOWED with the route's Allow (the error hook sends it). */
export function createMethodNotAllowed() {
  return function methodNotAllowed(c: Context<AppEnv>): never {
    c.set('allow', API_ALLOWED_METHODS[c.req.routePath] ?? 'OPTIONS');
    throw appError('HTTP_METHOD_NOT_ALLOWED');
  };
}
