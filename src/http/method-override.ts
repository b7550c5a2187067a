import type { Hono, MiddlewareHandler } from 'hono';
import type { AppEnv } from './context.js';

const OVERRIDE_HEADER = 'X-HTTP-Method-Override';
/** An HTTP method is a token (RFC 9110); anything else in the header is ignored. */
const METHOD_TOKEN = /^[A-Za-z]{1,16}$/;

/**
 * tus 1.0.0: if a request carries X-HTTP-Method-Override, the Server MUST use its value as
 * the request method (for clients and proxies that only pass GET and POST). The request
 * is dispatched again, from the top, as that method and without the header, so routes,
 * logs and metrics see the method it stands for. Register it before every other middleware.
 *
 * Under @hono/node-server the body stays in the Node request (`c.env.incoming`), where
 * the upload routes read it; only `app.request()` needs the web body carried over.
 */
export function createMethodOverride(app: Hono<AppEnv>): MiddlewareHandler<AppEnv> {
  return async function methodOverride(c, next) {
    const method = c.req.header(OVERRIDE_HEADER)?.trim().toUpperCase();
    if (method === undefined || !METHOD_TOKEN.test(method)) return next();
    const headers = new Headers(c.req.raw.headers);
    headers.delete(OVERRIDE_HEADER);
    const carriesBody = method !== 'GET' && method !== 'HEAD' && c.env?.incoming === undefined && c.req.raw.body !== null;
    const request = new Request(c.req.url, {
      method,
      headers,
      signal: c.req.raw.signal,
      ...(carriesBody ? { body: c.req.raw.body, duplex: 'half' } : {}),
    } as RequestInit);
    return app.fetch(request, c.env);
  };
}
