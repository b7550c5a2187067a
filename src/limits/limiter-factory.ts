import { type RateLimiterAbstract, RateLimiterMemory } from 'rate-limiter-flexible';

export interface LimiterOptions {
  /** Keeps one limiter's keys apart from another's in a shared backend. */
  keyPrefix: string;
  /** Points per window. */
  points: number;
  /** The window; 0: points never expire (a counter of things in progress, given back with `reward`). */
  windowMs: number;
}

/**
 * Builds every rate limiter ferry uses: the one place that picks the backend. In memory
 * today (one process); a cluster passes a factory that builds rate-limiter-flexible's Redis
 * limiter with the same options, and every limit is then shared.
 */
export type LimiterFactory = (options: LimiterOptions) => RateLimiterAbstract;

export const createMemoryLimiter: LimiterFactory = ({ keyPrefix, points, windowMs }) => new RateLimiterMemory({ keyPrefix, points, duration: windowMs / 1000 });
