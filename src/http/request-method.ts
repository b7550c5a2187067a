import type { Context } from 'hono';
import type { AppEnv } from './context.js';

const OVERRIDE_HEADER = 'X-HTTP-Method-Override';
/** An HTTP method is a token (RFC 9110); anything else in the header is ignored. */
const METHOD_TOKEN = /^[A-Za-z]{1,16}$/;

/**
 * The method the request stands for. tus 1.0.0: if a request carries
 * X-HTTP-Method-Override, the Server MUST use its value as the request method. The header
 * exists for clients and proxies that only pass GET and POST, and a client that can send
 * a GET can send a POST, so only a POST is overridden (tusd honours it on every method): on
 * any other method it is ignored and the request is served as its own method, so a GET
 * (which links, prefetchers and `<img src>` send freely) never turns into a DELETE or a
 * PATCH that changes an upload.
 */
export function methodOf(c: Context<AppEnv>): string {
  const overriding = c.req.method === 'POST' ? c.req.header(OVERRIDE_HEADER)?.trim().toUpperCase() : undefined;
  return overriding !== undefined && METHOD_TOKEN.test(overriding) ? overriding : c.req.method;
}
