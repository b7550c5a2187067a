import { createMemoryLimiter, type LimiterFactory } from './limiter-factory.js';
import { rateLimited, wholeSeconds } from './rate-policy.js';

export interface AuthFailureLimitOptions {
  /** FERRY_RATE_AUTH_FAILURES_PER_MINUTE: failed authentications one address may make; 0: off. */
  perMinute: number;
  /** The window (tests shorten it); default one minute. */
  windowMs?: number;
  limiterFactory?: LimiterFactory;
}

/**
 * Failed authentication per client IP address. The authentication middleware calls
 * `recordAuthFailure(ip)` on every 401 and `checkAuthFailures(ip)` before it looks at a
 * credential: once an address has failed `perMinute` times in the window, it is refused
 * with RATE_AUTH_FAILURES (429, Retry-After) until the window ends, good credentials or not.
 */
export interface AuthFailureLimit {
  recordAuthFailure(ip: string): Promise<void>;
  /** Resolves, or rejects with RATE_AUTH_FAILURES. */
  checkAuthFailures(ip: string): Promise<void>;
}

export function createAuthFailureLimit({ perMinute, windowMs = 60_000, limiterFactory = createMemoryLimiter }: AuthFailureLimitOptions): AuthFailureLimit {
  if (perMinute <= 0) return { recordAuthFailure: async () => undefined, checkAuthFailures: async () => undefined };
  const failures = limiterFactory({ keyPrefix: 'ferry:auth-failures', points: perMinute, windowMs });
  return {
    async recordAuthFailure(ip) {
      // Beyond the points the limiter rejects; the failure is counted all the same.
      await failures.penalty(ip);
    },
    async checkAuthFailures(ip) {
      const state = await failures.get(ip);
      if (state === null || state.consumedPoints < perMinute) return;
      throw rateLimited('RATE_AUTH_FAILURES', {
        policy: 'auth-failures',
        quota: perMinute,
        windowSeconds: wholeSeconds(windowMs),
        remaining: 0,
        resetSeconds: wholeSeconds(state.msBeforeNext),
      });
    },
  };
}
