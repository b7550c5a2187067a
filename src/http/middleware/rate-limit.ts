import type { Context, MiddlewareHandler } from 'hono';
import type { Principal } from '../../auth/principal.js';
import { type RateState, type RequestLimits, rateLimitHeaders, subjectOf } from '../../limits/index.js';
import { UPLOADS_PATH, uploadIdFromPath } from '../../uploads/upload-id.js';
import { clientIpOf } from '../client-ip.js';
import type { AppEnv } from '../context.js';
import { methodOf } from '../request-method.js';
import { principalOf as contextPrincipalOf } from './authenticate.js';

export interface RateLimitOptions {
  limits: RequestLimits;
  /** Upload `id` is unfinished and `owner`'s: its PATCH and HEAD belong to an upload in progress. */
  isUnfinished: (id: string, owner: string | undefined) => boolean | Promise<boolean>;
  /** Who the request speaks for, once authentication has run (default: the context's `principal`, else anonymous). */
  principalOf?: (c: Context<AppEnv>) => Principal;
}

const RESUMING_METHODS = new Set(['PATCH', 'HEAD']);

/**
 * The rate limits of /files and /imports (after authentication, so an owner is one subject
 * wherever it connects from; an anonymous client is its IP address). Every request counts
 * against requests per second, except PATCH and HEAD of the subject's own unfinished upload:
 * an upload in progress is one stream, never cut by the request limit (the concurrent-PATCH
 * limit governs it). A creation counts against creations per minute too. A 429 carries
 * Retry-After and the RateLimit fields; a response within the limits carries the RateLimit fields.
 */
export function createRateLimit({ limits, isUnfinished, principalOf = contextPrincipalOf }: RateLimitOptions): MiddlewareHandler<AppEnv> {
  return async function rateLimit(c, next) {
    const principal = principalOf(c);
    const subject = subjectOf(principal, clientIpOf(c));
    const method = methodOf(c);
    const onFiles = c.req.path === UPLOADS_PATH || c.req.path.startsWith(`${UPLOADS_PATH}/`);
    const uploadId = onFiles ? uploadIdFromPath(c.req.path, UPLOADS_PATH) : undefined;
    const resuming = uploadId !== undefined && RESUMING_METHODS.has(method) && (await isUnfinished(uploadId, principal.owner));

    // A refusal on /files carries the headers of the protocol the request speaks (Tus-Resumable, or the IETF fields).
    if (onFiles) c.set('protocol', c.req.header('Upload-Draft-Interop-Version') === undefined ? 'tus' : 'ietf');
    const states: RateState[] = [];
    const counted = resuming ? undefined : await limits.request(subject);
    if (counted !== undefined) states.push(counted);
    const creating = onFiles && uploadId === undefined && method === 'POST';
    const creation = creating ? await limits.creation(subject) : undefined;
    if (creation !== undefined) states.push(creation);
    const endPatch = method === 'PATCH' && uploadId !== undefined ? await limits.patch(subject, uploadId) : undefined;
    if (onFiles) c.set('protocol', undefined);

    try {
      await next();
    } finally {
      endPatch?.();
    }
    for (const [name, value] of Object.entries(rateLimitHeaders(states))) c.res.headers.set(name, value);
  };
}
