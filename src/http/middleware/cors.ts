import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../context.js';

export interface CorsOptions {
  /** `['*']` or a list of exact origins; a disallowed origin gets no Access-Control-Allow-Origin. */
  origins?: readonly string[];
  allowMethods?: readonly string[];
  allowHeaders?: readonly string[];
  exposeHeaders?: readonly string[];
  maxAgeSeconds?: number;
}

/** Request headers a tus client sends, plus ours. */
export const CORS_ALLOW_HEADERS = [
  'Authorization',
  'Content-Type',
  'Tus-Resumable',
  'Upload-Length',
  'Upload-Metadata',
  'Upload-Offset',
  'Upload-Defer-Length',
  'Upload-Concat',
  'Upload-Checksum',
  'X-HTTP-Method-Override',
  'X-Requested-With',
  'X-Request-Id',
  // IETF resumable uploads
  'Upload-Complete',
  'Upload-Draft-Interop-Version',
] as const;

/** Response headers a browser client may read. */
export const CORS_EXPOSE_HEADERS = [
  'Location',
  'Upload-Offset',
  'Upload-Length',
  'Tus-Resumable',
  'Upload-Expires',
  'Upload-Metadata',
  'Tus-Version',
  'Tus-Extension',
  'Tus-Max-Size',
  'Tus-Checksum-Algorithm',
  'Upload-Defer-Length',
  'Upload-Concat',
  'Content-Range',
  'Content-Disposition',
  'X-Request-Id',
  // IETF resumable uploads
  'Upload-Complete',
  'Upload-Limit',
  'Upload-Draft-Interop-Version',
  'Accept-Patch',
] as const;

/**
 * CORS for every response, tus ones included: any Access-Control-* header a route set is
 * removed, so this middleware's set is the only one. Preflights reach the routes, so an
 * OPTIONS on /files/ still carries the tus discovery headers.
 */
export function createCors({
  origins = ['*'],
  allowMethods = ['GET', 'HEAD', 'POST', 'PATCH', 'DELETE', 'OPTIONS'],
  allowHeaders = CORS_ALLOW_HEADERS,
  exposeHeaders = CORS_EXPOSE_HEADERS,
  maxAgeSeconds = 86_400,
}: CorsOptions = {}): MiddlewareHandler<AppEnv> {
  const anyOrigin = origins.includes('*');
  return async function cors(c, next) {
    await next();
    const headers = c.res.headers;
    for (const name of [...headers.keys()]) {
      if (name.startsWith('access-control-')) headers.delete(name);
    }
    if (!anyOrigin) headers.append('Vary', 'Origin');
    const origin = c.req.header('Origin');
    const allowedOrigin = anyOrigin ? '*' : origin !== undefined && origins.includes(origin) ? origin : undefined;
    if (allowedOrigin === undefined) return;
    headers.set('Access-Control-Allow-Origin', allowedOrigin);
    headers.set('Access-Control-Expose-Headers', exposeHeaders.join(', '));
    if (c.req.method === 'OPTIONS' && c.req.header('Access-Control-Request-Method') !== undefined) {
      headers.set('Access-Control-Allow-Methods', allowMethods.join(', '));
      headers.set('Access-Control-Allow-Headers', allowHeaders.join(', '));
      headers.set('Access-Control-Max-Age', String(maxAgeSeconds));
    }
  };
}
