import type { Context, MiddlewareHandler } from 'hono';
import { ANONYMOUS } from '../../auth/principal.js';
import type { Authorize, ImportRequestScope } from '../authorize.js';
import type { AppEnv } from '../context.js';

/** An import request is a few fields (imports-routes.ts refuses a longer body): no more is read to find its schema. */
const MAX_PEEK_BYTES = 64 * 1024;

/** The authorization seam for /imports: creating an import (POST) or reading one and its reports. */
export function createAuthorizeImports(authorize: Authorize): MiddlewareHandler<AppEnv> {
  return async function authorizeImports(c, next) {
    if (c.req.method !== 'OPTIONS') {
      const principal = c.get('principal') ?? ANONYMOUS;
      const scope: ImportRequestScope = { kind: 'import', action: c.req.method === 'POST' ? 'create' : 'read' };
      // Only a token narrowed to some schemas needs the schema before the route runs.
      if (scope.action === 'create' && principal.schemas !== undefined) scope.schema = await peekSchema(c);
      // The step may name who the request speaks for (FERRY_AUTH=hook).
      const outcome = await authorize(scope, principal, c.req.raw.headers);
      if (outcome !== undefined) c.set('principal', outcome.principal);
    }
    await next();
  };
}

/** The `schema` of a POST /imports body, read from a copy (the route reads the body itself); undefined when it is not there: the route answers 400. */
async function peekSchema(c: Context<AppEnv>): Promise<string | undefined> {
  const body = c.req.raw.clone().body;
  if (body === null) return undefined;
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = body.getReader();
  try {
    for (let read = await reader.read(); !read.done; read = await reader.read()) {
      size += read.value.byteLength;
      if (size > MAX_PEEK_BYTES) return undefined;
      chunks.push(read.value);
    }
  } finally {
    await reader.cancel();
  }
  try {
    const parsed = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { schema?: unknown } | null;
    return typeof parsed?.schema === 'string' ? parsed.schema : undefined;
  } catch {
    return undefined;
  }
}
