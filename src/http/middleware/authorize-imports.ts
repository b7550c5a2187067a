import type { MiddlewareHandler } from 'hono';
import type { Authorize } from '../authorize.js';
import type { AppEnv } from '../context.js';

/** The authorization seam for /imports: creating an import (POST) or reading one and its reports. */
export function createAuthorizeImports(authorize: Authorize): MiddlewareHandler<AppEnv> {
  return async function authorizeImports(c, next) {
    if (c.req.method !== 'OPTIONS') await authorize({ kind: 'import', action: c.req.method === 'POST' ? 'create' : 'read' }, c.req.raw.headers);
    await next();
  };
}
