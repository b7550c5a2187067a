import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Config } from '../config/settings.js';
import { createBullmqImportQueue, type ImportQueueFactory } from '../imports/index.js';
import type { Metrics } from '../metrics/metrics.js';
import type { CountingLocker } from '../uploads/locker.js';
import { coherentLocker } from './coherent-locker.js';
import { instanceIdOf } from './instance-id.js';
import { createLeaderLease } from './leader-lease.js';
import type { Leadership } from './leadership.js';
import { createReadinessProbes, type ReadinessProbe } from './readiness-probes.js';
import { connectRedis } from './redis-connection.js';
import { createRedisLocker } from './redis-locker.js';

export interface ClusterModeOptions {
  /** The store the instances share: a lock taken or released drops what this instance cached of the upload. */
  store: { evict(id: string): Promise<void> };
  logger: Logger;
  metrics: Metrics;
}

/**
 * The parts of one instance of a cluster (FERRY_REDIS_URL set), all on real, existing
 * services: upload locks, the leader lease and the shared limits in Redis, imports in
 * BullMQ, readiness probes of Redis and PostgreSQL.
 */
export interface ClusterMode {
  /** Commands to Redis (limits and counters share it); fails at once while Redis is away. */
  redis: Redis;
  /** The Redis locker, coherent with the shared store. */
  locker: CountingLocker;
  createImportQueue: ImportQueueFactory;
  readinessChecks: ReadinessProbe[];
  /** Contends for the leader lease; `onElected` runs each time this instance becomes leader. */
  lead(onElected: () => Promise<void>): Leadership;
  /** Gives the locks up and closes the connections (after requests and imports ended). */
  close(): Promise<void>;
}

export function createClusterMode(config: Config, { store, logger, metrics }: ClusterModeOptions): ClusterMode {
  const instanceId = instanceIdOf(config);
  // A command that hangs (Redis paused) fails well before a lease could run out.
  const redis = connectRedis(config.redisUrl, `ferry-${instanceId}`, { commandTimeout: Math.floor(config.lockLeaseMs / 3) });
  const subscriber = connectRedis(config.redisUrl, `ferry-${instanceId}-locks`);
  const redisLocker = createRedisLocker({
    redis,
    subscriber,
    keyPrefix: config.redisKeyPrefix,
    leaseMs: config.lockLeaseMs,
    waitMs: config.lockWaitMs,
    instanceId,
    observer: {
      onAcquired: (seconds) => metrics.lockAcquireDuration.observe(seconds),
      onLost(uploadId) {
        metrics.locksLost.inc();
        logger.warn({ uploadId }, 'upload lock lost: writing stopped');
      },
    },
  });
  const readiness = createReadinessProbes(redis, config.databaseUrl);
  return {
    redis,
    locker: coherentLocker(redisLocker, store),
    createImportQueue: (handlers) =>
      createBullmqImportQueue({ ...handlers, redisUrl: config.redisUrl, keyPrefix: config.redisKeyPrefix, jobLeaseMs: config.importJobLeaseMs, logger }),
    readinessChecks: readiness.checks,
    lead: (onElected) => createLeaderLease({ redis, keyPrefix: config.redisKeyPrefix, leaseMs: config.lockLeaseMs, instanceId, logger, onElected }),
    async close() {
      await redisLocker.close();
      await readiness.close();
      subscriber.disconnect();
      redis.disconnect();
    },
  };
}
