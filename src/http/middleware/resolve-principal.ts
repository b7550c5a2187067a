import type { Context, MiddlewareHandler } from 'hono';
import { ANONYMOUS, type Principal } from '../../auth/principal.js';
import type { AppEnv } from '../context.js';
import { isSignedLinkRequest } from '../files/download-links.js';

/** Who a request speaks for, from its headers; throws an AppError to refuse it. */
export type Authenticate = (headers: Headers) => Principal | Promise<Principal>;

/** No authentication: every request is anonymous. */
export const anonymousOnly: Authenticate = () => ANONYMOUS;

/**
 * Sets `principal` for /files and /imports requests from `authenticate`. Preflights carry
 * no credentials, and a signed download link is its own credential: both stay anonymous.
 */
export function createResolvePrincipal(authenticate: Authenticate): MiddlewareHandler<AppEnv> {
  return async function resolvePrincipal(c, next) {
    if (c.req.method !== 'OPTIONS' && !isSignedLinkRequest(c.req.raw)) c.set('principal', await authenticate(c.req.raw.headers));
    await next();
  };
}

/** The request's principal; anonymous where no middleware set one. */
export function principalOf(c: Context<AppEnv>): Principal {
  return c.get('principal') ?? ANONYMOUS;
}
