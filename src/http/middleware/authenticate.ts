import type { Context, MiddlewareHandler } from 'hono';
import type { Authenticate } from '../../auth/authenticator.js';
import { ANONYMOUS, type Principal } from '../../auth/principal.js';
import { isAppError } from '../../errors/app-error.js';
import type { AuthFailureLimit } from '../../limits/auth-failures.js';
import { clientIpOf } from '../client-ip.js';
import type { AppEnv } from '../context.js';
import { isSignedLinkRequest } from '../files/download-links.js';

export interface AuthenticateOptions {
  /** /files: a refusal carries the headers of the request's upload protocol, as every other /files error does. */
  uploads?: boolean;
  /** Failed authentications per client IP: an address over the limit is refused (429) before its credential is read. */
  failures?: AuthFailureLimit;
}

/**
 * Authentication for /files and /imports: the principal of the request's
 * `Authorization: Bearer` credential (FERRY_AUTH=jwt) or ANONYMOUS (none), as `principal`.
 * A missing or bad credential throws a 401 to the error hook. A preflight or a tus discovery
 * (OPTIONS) needs no credential: a browser sends none with a preflight. A signed download
 * link is its own credential (the files route verifies it): it stays anonymous here.
 */
export function createAuthenticate(authenticate: Authenticate, { uploads = false, failures }: AuthenticateOptions = {}): MiddlewareHandler<AppEnv> {
  return async function authenticateRequest(c, next) {
    if (c.req.method === 'OPTIONS' || isSignedLinkRequest(c.req.raw)) {
      c.set('principal', ANONYMOUS);
    } else {
      try {
        await failures?.checkAuthFailures(clientIpOf(c));
        c.set('principal', await authenticate(c.req.raw.headers));
      } catch (error) {
        if (uploads) markUploadProtocol(c);
        if (failures !== undefined && isAppError(error) && error.status === 401) await failures.recordAuthFailure(clientIpOf(c));
        throw error;
      }
    }
    await next();
  };
}

/**
 * The route table has not resolved the request yet, so its protocol is told as files-route.ts
 * tells it: IETF with Upload-Draft-Interop-Version; else tus, but for a download (plain HTTP).
 */
function markUploadProtocol(c: Context<AppEnv>): void {
  if (c.req.header('Upload-Draft-Interop-Version') !== undefined) c.set('protocol', 'ietf');
  else if (c.req.method !== 'GET') c.set('protocol', 'tus');
}

/** The request's principal; anonymous where this middleware did not run (a route table mounted alone, in handler tests). */
export function principalOf(c: Context<AppEnv>): Principal {
  return c.get('principal') ?? ANONYMOUS;
}
