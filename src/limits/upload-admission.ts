import type { UploadAdmission } from '../uploads/admission.js';
import type { Upload } from '../uploads/upload.js';
import { type DiskGuard, diskFullAt, isDiskFull } from './disk-guard.js';
import type { QuotaLedger } from './quota-ledger.js';

export interface UploadAdmissionOptions {
  ledger: QuotaLedger;
  diskGuard: DiskGuard;
}

/**
 * Quotas per owner and the disk guard, where the engine asks. A creation is checked against
 * the disk first (the only await), then the quota is checked and reserved in one synchronous
 * step. A body is let through chunk by chunk: a deferred length's bytes count against the
 * quota as they arrive, and every byte against the free space; where either runs out the body
 * ends, what arrived before is kept, and the request fails with that limit's error.
 */
export function createUploadAdmission({ ledger, diskGuard }: UploadAdmissionOptions): UploadAdmission {
  return {
    async admitCreation(owner, length) {
      await diskGuard.admit(length ?? 0);
      return ledger.reserve(owner, length);
    },

    admitLength: (id, length) => ledger.declare(id, length),

    admitBody(upload) {
      let stoppedBy: 'quota' | 'disk' | undefined;
      let final: Upload = upload;
      return {
        limit(body) {
          if (!diskGuard.enabled && upload.size !== undefined) return body;
          return {
            async *[Symbol.asyncIterator]() {
              for await (const chunk of body) {
                const fitsQuota = ledger.grow(upload.id, chunk.byteLength);
                const fits = await diskGuard.allow(fitsQuota);
                if (fits < chunk.byteLength) {
                  stoppedBy = fitsQuota < chunk.byteLength ? 'quota' : 'disk';
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
          if (stoppedBy === 'quota') return ledger.bytesExceeded(ledger.ownerOf(upload.id), final.offset);
          return undefined;
        },
        done(current) {
          final = current;
          // The bytes counted as they arrived become what the store really holds.
          ledger.track(current);
        },
      };
    },

    recount: (upload) => ledger.track(upload),
  };
}
