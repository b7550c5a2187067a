import type { MiddlewareHandler } from 'hono';
import { isAppError } from '../../errors/app-error.js';
import { rateLimitedHeaders } from '../../limits/index.js';
import type { AppEnv } from '../context.js';

/**
 * The header fields a refusal by a limit needs, taken from its error's details once the
 * error hook has answered: a 429 gets Retry-After and the RateLimit fields (whoever threw
 * it: the rate limits, or authentication on too many failures), and so does a 503 that says
 * when to retry (the authorization hook unavailable); a body stopped by a quota
 * or the disk guard (403, 507) gets Upload-Offset, how far it got, so the client resumes there.
 */
export function createLimitHeaders(): MiddlewareHandler<AppEnv> {
  return async function limitHeaders(c, next) {
    await next();
    const error = c.error;
    if (!isAppError(error) || error.details === undefined) return;
    if (error.status === 429 || error.status === 503) {
      for (const [name, value] of Object.entries(rateLimitedHeaders(error.details))) c.res.headers.set(name, value);
    }
    const { offset } = error.details;
    if ((error.code === 'DISK_FULL' || error.code === 'QUOTA_BYTES_EXCEEDED') && typeof offset === 'number') {
      c.res.headers.set('Upload-Offset', String(offset));
    }
  };
}
