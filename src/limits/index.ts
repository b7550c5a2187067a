import type { Redis } from 'ioredis';
import { isAppError } from '../errors/app-error.js';
import type { UploadAdmission } from '../uploads/admission.js';
import type { UploadEvents } from '../uploads/events.js';
import type { Upload } from '../uploads/upload.js';
import type { UploadStore } from '../uploads/upload-store.js';
import { type AuthFailureLimit, createAuthFailureLimit } from './auth-failures.js';
import { createDiskGuard, type FreeSpace } from './disk-guard.js';
import { createMemoryLimiter, createRedisLimiterFactory, type LimiterFactory } from './limiter-factory.js';
import { createQuotaLedger, type QuotaLedger } from './quota-ledger.js';
import { createRedisQuotaLedger, type SharedQuotaLedger } from './redis-quota-ledger.js';
import { createRequestLimits, type RequestLimits } from './request-limits.js';
import { createSharedUploadAdmission } from './shared-upload-admission.js';
import { createUploadAdmission } from './upload-admission.js';

export { type ConnectionCapsOptions, capConnections } from './connection-caps.js';
export { statfsFreeSpace } from './disk-guard.js';
export { type RateState, rateLimitedHeaders, rateLimitHeaders } from './rate-policy.js';
export { storedUploads } from './stored-uploads.js';
export { subjectOf } from './subject.js';
export type { AuthFailureLimit, LimiterFactory, QuotaLedger, RequestLimits, SharedQuotaLedger };

export interface LimitsOptions {
  quotaBytes: number;
  quotaUploads: number;
  minFreeBytes: number;
  freeSpace: FreeSpace;
  createsPerMinute: number;
  requestsPerSecond: number;
  concurrentPatches: number;
  authFailuresPerMinute: number;
  /** Shorter windows for tests (defaults: creations a minute, requests a second, auth failures a minute). */
  createWindowMs?: number;
  requestWindowMs?: number;
  authFailureWindowMs?: number;
  /** How long a look at the free space is trusted (default 1 s). */
  freeSpaceCacheMs?: number;
  /** The one place rate limiters are built (memory today; Redis in a cluster). */
  limiterFactory?: LimiterFactory;
}

/** Cluster mode: the counters every instance shares. */
export interface SharedLimitsOptions {
  redis: Redis;
  /** FERRY_REDIS_KEY_PREFIX. */
  keyPrefix: string;
  /** The uploads in the shared store, read afresh: the quota ledger rebuilds from them should Redis lose its data. */
  storedUploads?: () => AsyncIterable<Upload>;
}

/** Quotas, the disk guard and the rate limits of one server (in memory), or of a cluster (SharedQuotaLedger). */
export interface Limits<Ledger extends QuotaLedger | SharedQuotaLedger = QuotaLedger> extends AuthFailureLimit {
  ledger: Ledger;
  admission: UploadAdmission;
  requests: RequestLimits;
  /** Keeps the quotas true as uploads finish, are terminated or expire. */
  follow(events: UploadEvents, store: Pick<UploadStore, 'readUpload'>): void;
  /**
   * Counts the uploads already stored (at start-up, before listening). Shared: once per
   * cluster ledger, whichever instance comes first (see SharedQuotaLedger.rebuild).
   */
  rebuild(uploads: AsyncIterable<Upload>): Promise<void>;
}

/**
 * The limits of one process, or with `shared` of one instance in a cluster: rate limits,
 * the auth-failure counter, the concurrent-PATCH cap and the quotas then count in Redis
 * across every instance, and fail closed (REDIS_UNAVAILABLE) while Redis is away.
 */
export function createLimits(options: LimitsOptions): Limits;
export function createLimits(options: LimitsOptions, shared: SharedLimitsOptions): Limits<SharedQuotaLedger>;
export function createLimits(options: LimitsOptions, shared?: SharedLimitsOptions): Limits | Limits<SharedQuotaLedger> {
  if (shared === undefined) return createLocalLimits(options);
  const limiterFactory = createRedisLimiterFactory(shared.redis, shared.keyPrefix);
  const ledger = createRedisQuotaLedger({
    redis: shared.redis,
    prefix: shared.keyPrefix,
    maxBytes: options.quotaBytes,
    maxUploads: options.quotaUploads,
    storedUploads: shared.storedUploads,
  });
  const diskGuard = createDiskGuard({ minFreeBytes: options.minFreeBytes, freeSpace: options.freeSpace, cacheMs: options.freeSpaceCacheMs });
  return {
    ledger,
    admission: createSharedUploadAdmission({ ledger, diskGuard }),
    ...createRateLimits(options, limiterFactory),

    follow(events, store) {
      // Redis away: the event's other listeners (imports) still run. The count stays high
      // (fail-safe: it refuses early, never lets through) until the upload is tracked again.
      events.on('finished', (upload) => ledger.track(upload).catch(() => undefined));
      events.on('terminated', (id) => ledger.remove(id).catch(() => undefined));
      events.on('expired', async () => {
        for (const id of await ledger.ids().catch(() => [])) {
          await store.readUpload(id).catch(async (error: unknown) => {
            if (isAppError(error, 'UPLOAD_NOT_FOUND') || isAppError(error, 'UPLOAD_GONE')) await ledger.remove(id).catch(() => undefined);
          });
        }
      });
    },

    async rebuild(uploads) {
      await ledger.rebuild(uploads);
    },
  };
}

/** The rate limits and the auth-failure counter, over the limiters `limiterFactory` builds. */
function createRateLimits(options: LimitsOptions, limiterFactory: LimiterFactory): Pick<Limits, 'requests' | 'recordAuthFailure' | 'checkAuthFailures'> {
  const authFailures = createAuthFailureLimit({ perMinute: options.authFailuresPerMinute, windowMs: options.authFailureWindowMs, limiterFactory });
  return {
    requests: createRequestLimits({
      createsPerMinute: options.createsPerMinute,
      requestsPerSecond: options.requestsPerSecond,
      concurrentPatches: options.concurrentPatches,
      createWindowMs: options.createWindowMs,
      requestWindowMs: options.requestWindowMs,
      limiterFactory,
    }),
    recordAuthFailure: authFailures.recordAuthFailure,
    checkAuthFailures: authFailures.checkAuthFailures,
  };
}

function createLocalLimits(options: LimitsOptions): Limits {
  const limiterFactory = options.limiterFactory ?? createMemoryLimiter;
  const ledger = createQuotaLedger({ maxBytes: options.quotaBytes, maxUploads: options.quotaUploads });
  const diskGuard = createDiskGuard({ minFreeBytes: options.minFreeBytes, freeSpace: options.freeSpace, cacheMs: options.freeSpaceCacheMs });
  return {
    ledger,
    admission: createUploadAdmission({ ledger, diskGuard }),
    ...createRateLimits(options, limiterFactory),

    follow(events, store) {
      // A finished upload frees its unfinished-upload slot; its length still counts.
      events.on('finished', (upload) => ledger.track(upload));
      events.on('terminated', (id) => ledger.remove(id));
      // The sweep tells how many it deleted, not which: the ledger forgets those no longer stored.
      events.on('expired', async () => {
        for (const id of ledger.ids()) {
          await store.readUpload(id).catch((error: unknown) => {
            if (isAppError(error, 'UPLOAD_NOT_FOUND') || isAppError(error, 'UPLOAD_GONE')) ledger.remove(id);
          });
        }
      });
    },

    async rebuild(uploads) {
      for await (const upload of uploads) ledger.track(upload);
    },
  };
}
