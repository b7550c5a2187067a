import { appError, type ErrorCode } from '../errors/catalogue.js';

/**
 * One limit as the RateLimit header fields describe it (draft-ietf-httpapi-ratelimit-headers-10):
 * `RateLimit-Policy: "<name>";q=<quota>;w=<window seconds>` and
 * `RateLimit: "<name>";r=<remaining>;t=<seconds until the window resets>`.
 */
export interface RateState {
  policy: string;
  quota: number;
  windowSeconds: number;
  remaining: number;
  resetSeconds: number;
}

/** Whole seconds, at least 1 (the fields are integers; a sub-second window is announced as 1). */
export function wholeSeconds(ms: number): number {
  return Math.max(1, Math.ceil(ms / 1000));
}

/** The RateLimit-Policy and RateLimit fields of one or more limits (structured-field lists). */
export function rateLimitHeaders(states: readonly RateState[]): Record<string, string> {
  if (states.length === 0) return {};
  return {
    'RateLimit-Policy': states.map((s) => `"${s.policy}";q=${s.quota};w=${s.windowSeconds}`).join(', '),
    RateLimit: states.map((s) => `"${s.policy}";r=${s.remaining};t=${s.resetSeconds}`).join(', '),
  };
}

/** The 429 of a limit that ran out; its details carry what the Retry-After and RateLimit fields say. */
export function rateLimited(code: ErrorCode, state: RateState): Error {
  return appError(code, {
    details: { policy: state.policy, limit: state.quota, windowSeconds: state.windowSeconds, retryAfter: state.resetSeconds },
  });
}

/** The fields of a 429 from its error's details (see rateLimited). */
export function rateLimitedHeaders(details: Record<string, unknown>): Record<string, string> {
  const { policy, limit, windowSeconds, retryAfter } = details;
  if (typeof retryAfter !== 'number') return {};
  const headers: Record<string, string> = { 'Retry-After': String(retryAfter) };
  if (typeof policy === 'string' && typeof limit === 'number' && typeof windowSeconds === 'number') {
    Object.assign(headers, rateLimitHeaders([{ policy, quota: limit, windowSeconds, remaining: 0, resetSeconds: retryAfter }]));
  }
  return headers;
}
