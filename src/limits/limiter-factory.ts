import type { Redis } from 'ioredis';
import { type RateLimiterAbstract, RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { failClosed } from './redis-failure.js';

export interface LimiterOptions {
  /** Keeps one limiter's keys apart from another's in a shared backend. */
  keyPrefix: string;
  /** Points per window. */
  points: number;
  /** The window; 0: points never expire (a counter of things in progress, given back with `reward`). */
  windowMs: number;
}

/**
 * Builds every rate limiter ferry uses: the one place that picks the backend. In memory in
 * one process; in a cluster rate-limiter-flexible's Redis limiter with the same options, so
 * every limit is shared by the instances.
 */
export type LimiterFactory = (options: LimiterOptions) => RateLimiterAbstract;

export const createMemoryLimiter: LimiterFactory = ({ keyPrefix, points, windowMs }) => new RateLimiterMemory({ keyPrefix, points, duration: windowMs / 1000 });

/**
 * How long a shared counter of things in progress (window 0: PATCHes being written) lives
 * after its first point. An instance that dies holds slots it never gives back; this bounds
 * the leak. A subject writing without pause for longer may briefly get extra slots when the
 * counter restarts from zero under PATCHes still running.
 */
export const SHARED_SLOT_TTL_SECONDS = 15 * 60;

/** A refusal (RateLimiterRes) passes through; Redis out of reach becomes REDIS_UNAVAILABLE. */
async function refusalOrFailClosed(command: Promise<RateLimiterRes>): Promise<RateLimiterRes> {
  try {
    return await command;
  } catch (refusal) {
    if (refusal instanceof RateLimiterRes) throw refusal;
    return failClosed(Promise.reject(refusal));
  }
}

/** rate-limiter-flexible's Redis limiter, failing closed (REDIS_UNAVAILABLE) while Redis is away. */
class FailClosedRedisLimiter extends RateLimiterRedis {
  override consume(key: string | number, points?: number, options?: Record<string, unknown>): Promise<RateLimiterRes> {
    return refusalOrFailClosed(super.consume(key, points, options));
  }

  override penalty(key: string | number, points?: number, options?: Record<string, unknown>): Promise<RateLimiterRes> {
    return refusalOrFailClosed(super.penalty(key, points, options));
  }

  override reward(key: string | number, points?: number, options?: Record<string, unknown>): Promise<RateLimiterRes> {
    return refusalOrFailClosed(super.reward(key, points, options));
  }

  override get(key: string | number, options?: Record<string, unknown>): Promise<RateLimiterRes | null> {
    return failClosed(super.get(key, options));
  }
}

/** Limiters sharing their counters through `redis`, every key under `prefix` (FERRY_REDIS_KEY_PREFIX). */
export function createRedisLimiterFactory(redis: Redis, prefix: string): LimiterFactory {
  return ({ keyPrefix, points, windowMs }) =>
    new FailClosedRedisLimiter({
      storeClient: redis,
      keyPrefix: `${prefix}${keyPrefix}`,
      points,
      // Redis keeps whole seconds: a shorter window lasts one second.
      duration: windowMs > 0 ? Math.max(1, Math.ceil(windowMs / 1000)) : SHARED_SLOT_TTL_SECONDS,
      // A command fails at once while the connection is down, instead of waiting for it.
      rejectIfRedisNotReady: true,
    });
}
