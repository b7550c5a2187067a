import { isAppError } from '../errors/app-error.js';
import type { UploadAdmission } from '../uploads/admission.js';
import type { UploadEvents } from '../uploads/events.js';
import type { Upload } from '../uploads/upload.js';
import type { UploadStore } from '../uploads/upload-store.js';
import { type AuthFailureLimit, createAuthFailureLimit } from './auth-failures.js';
import { createDiskGuard, type FreeSpace } from './disk-guard.js';
import { createMemoryLimiter, type LimiterFactory } from './limiter-factory.js';
import { createQuotaLedger, type QuotaLedger } from './quota-ledger.js';
import { createRequestLimits, type RequestLimits } from './request-limits.js';
import { createUploadAdmission } from './upload-admission.js';

export { type ConnectionCapsOptions, capConnections } from './connection-caps.js';
export { statfsFreeSpace } from './disk-guard.js';
export { type RateState, rateLimitedHeaders, rateLimitHeaders } from './rate-policy.js';
export { storedUploads } from './stored-uploads.js';
export { subjectOf } from './subject.js';
export type { AuthFailureLimit, LimiterFactory, QuotaLedger, RequestLimits };

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

/** Quotas, the disk guard and the rate limits of one server. */
export interface Limits extends AuthFailureLimit {
  ledger: QuotaLedger;
  admission: UploadAdmission;
  requests: RequestLimits;
  /** Keeps the quotas true as uploads finish, are terminated or expire. */
  follow(events: UploadEvents, store: Pick<UploadStore, 'readUpload'>): void;
  /** Counts the uploads already stored (at start-up, before listening). */
  rebuild(uploads: AsyncIterable<Upload>): Promise<void>;
}

export function createLimits(options: LimitsOptions): Limits {
  const limiterFactory = options.limiterFactory ?? createMemoryLimiter;
  const ledger = createQuotaLedger({ maxBytes: options.quotaBytes, maxUploads: options.quotaUploads });
  const diskGuard = createDiskGuard({ minFreeBytes: options.minFreeBytes, freeSpace: options.freeSpace, cacheMs: options.freeSpaceCacheMs });
  const authFailures = createAuthFailureLimit({ perMinute: options.authFailuresPerMinute, windowMs: options.authFailureWindowMs, limiterFactory });
  return {
    ledger,
    admission: createUploadAdmission({ ledger, diskGuard }),
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
