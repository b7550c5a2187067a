import type { Upload } from './upload.js';
import type { UploadStore } from './upload-store.js';

/** A creation's claim on the owner's quota: kept once the upload exists, given back if it never came to be. */
export interface AdmissionTicket {
  commit(id: string): void | Promise<void>;
  cancel(): void | Promise<void>;
}

/** How one request body may grow an upload (quota of a deferred length, free disk space). */
export interface BodyAdmission {
  /** The body, ended early (keeping every byte before it) where a limit stops it. */
  limit(body: AsyncIterable<Uint8Array>): AsyncIterable<Uint8Array>;
  /**
   * The error the request fails with because of a limit: the one that stopped the body
   * (DISK_FULL, QUOTA_BYTES_EXCEEDED), or the disk being full under the append's own
   * `error` (ENOSPC); undefined when no limit is to blame.
   */
  stopped(error: unknown): Error | undefined;
  /** The append is over: `upload` is what the store holds now. */
  done(upload: Upload): void | Promise<void>;
}

/**
 * What the engine asks before an upload grows: quotas per owner and the disk guard live
 * behind it (src/limits implements it). The consumer owns the interface.
 */
export interface UploadAdmission {
  /** Before a new upload is recorded: refuses (QUOTA_*, DISK_FULL) or reserves its place. No await between check and reservation. */
  admitCreation(owner: string | undefined, length: number | undefined): Promise<AdmissionTicket>;
  /** Before a deferred length is recorded: refuses (QUOTA_BYTES_EXCEEDED) or counts it. */
  admitLength(id: string, length: number): void | Promise<void>;
  /** Under the upload's lock, once the request's target is known. */
  admitBody(upload: Upload): BodyAdmission;
  /** The upload changed in a way the admission did not see through (a failed declaration); counts it again. */
  recount(upload: Upload): void | Promise<void>;
}

/** Admits everything (no quotas, no disk guard): the engine's default. */
export const OPEN_ADMISSION: UploadAdmission = {
  admitCreation: async () => ({ commit: () => undefined, cancel: () => undefined }),
  admitLength: () => undefined,
  admitBody: () => ({ limit: (body) => body, stopped: () => undefined, done: () => undefined }),
  recount: () => undefined,
};

/** `store`, with each deferred length declared through `admission` first (so a declaration cannot go past a quota). */
export function admittedStore(store: UploadStore, admission: UploadAdmission): UploadStore {
  if (admission === OPEN_ADMISSION) return store;
  return {
    createUpload: (upload) => store.createUpload(upload),
    readUpload: (id) => store.readUpload(id),
    append: (source, id, offset, maxBytes, fence) => store.append(source, id, offset, maxBytes, fence),
    rollback: (id, toOffset, fence) => store.rollback(id, toOffset, fence),
    async declareUploadLength(id, length) {
      await admission.admitLength(id, length);
      try {
        await store.declareUploadLength(id, length);
      } catch (error) {
        await store.readUpload(id).then(admission.recount, () => undefined);
        throw error;
      }
    },
    remove: (id, fence) => store.remove(id, fence),
    assembleFinal: (id) => store.assembleFinal(id),
    assembleFinalsWaitingOn: (id) => store.assembleFinalsWaitingOn(id),
    deleteExpired: () => store.deleteExpired(),
    getExpiration: () => store.getExpiration(),
  };
}
