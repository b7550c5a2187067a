import { Redis, type RedisOptions } from 'ioredis';

/** How often a lost connection is tried again, at most (ms). */
const RECONNECT_CAP_MS = 2000;

/** Seconds a client is told to wait (Retry-After) while Redis is out of reach. */
export const REDIS_RETRY_AFTER_SECONDS = 2;

/**
 * A Redis connection for locks, leases and counters: a command fails at once while Redis is
 * out of reach (no offline queue, one try per request), so a request gets its 503 instead of
 * hanging; the connection keeps reconnecting in the background, so service comes back when
 * Redis does, without a restart. `name` shows in CLIENT LIST.
 */
export function connectRedis(url: string, name: string, overrides: RedisOptions = {}): Redis {
  const redis = new Redis(url, {
    connectionName: name,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 2000,
    retryStrategy: (attempt) => Math.min(attempt * 200, RECONNECT_CAP_MS),
    ...overrides,
  });
  // Errors surface on the commands that fail; without a listener ioredis would log each one.
  redis.on('error', () => undefined);
  return redis;
}

/** Resolves once `redis` is connected and ready (its first connection), or rejects after `timeoutMs`. */
export async function redisReady(redis: Redis, timeoutMs = 5000): Promise<void> {
  if (redis.status === 'ready') return;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      redis.off('ready', onReady);
      reject(new Error(`Redis not ready within ${timeoutMs} ms`));
    }, timeoutMs);
    const onReady = (): void => {
      clearTimeout(timer);
      resolve();
    };
    redis.once('ready', onReady);
  });
}
