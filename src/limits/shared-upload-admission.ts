import type { UploadAdmission } from '../uploads/admission.js';
import type { Upload } from '../uploads/upload.js';
import { type DiskGuard, diskFullAt, isDiskFull } from './disk-guard.js';
import type { SharedQuotaLedger } from './redis-quota-ledger.js';

export interface SharedUploadAdmissionOptions {
  ledger: SharedQuotaLedger;
  diskGuard: DiskGuard;
}

/**
 * upload-admission.ts over the shared (Redis) quota ledger: the same checks, each an atomic
 * script in Redis in place of a synchronous step in memory. The disk guard stays per
 * instance (each looks at the shared filesystem itself).
 */
export function createSharedUploadAdmission({ ledger, diskGuard }: SharedUploadAdmissionOptions): UploadAdmission {
  return {
    async admitCreation(owner, length) {
      await diskGuard.admit(length ?? 0);
      return ledger.reserve(owner, length);
    },

    admitLength: (id, length) => ledger.declare(id, length),

    admitBody(upload) {
      let stoppedBy: 'quota' | 'disk' | undefined;
      /** The owner's bytes used when the quota stopped the body. */
      let usedAtStop = 0;
      let final: Upload = upload;
      return {
        limit(body) {
          if (!diskGuard.enabled && upload.size !== undefined) return body;
          return {
            async *[Symbol.asyncIterator]() {
              for await (const chunk of body) {
                const quota = upload.size === undefined ? await ledger.grow(upload.id, chunk.byteLength) : { allowed: chunk.byteLength, used: 0 };
                const fits = await diskGuard.allow(quota.allowed);
                if (fits < chunk.byteLength) {
                  stoppedBy = quota.allowed < chunk.byteLength ? 'quota' : 'disk';
                  usedAtStop = quota.used;
                  if (fits > 0) yield chunk.subarray(0, fits);
                  return;
                }
                yield chunk;
              }
            },
          };
        },
        stopped(error) {
          if (stoppedBy === 'disk' || isDiskFull(error)) return diskFullAt(final.offset);
          if (stoppedBy === 'quota') return ledger.bytesExceeded(usedAtStop, final.offset);
          return undefined;
        },
        async done(current) {
          final = current;
          // The bytes counted as they arrived become what the store really holds. Should
          // Redis be away now, the next append (or the finish) of the upload sets it right.
          await ledger.track(current).catch(() => undefined);
        },
      };
    },

    recount: (upload) => ledger.track(upload),
  };
}
