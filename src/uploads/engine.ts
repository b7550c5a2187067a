import { admittedStore, OPEN_ADMISSION, type UploadAdmission } from './admission.js';
import { createUploadAppender, type UploadAppender, type UploadRequest } from './append.js';
import type { UploadEvents } from './events.js';
import { createFinishUpload, type FinishUpload } from './finish.js';
import { type UploadLocker, withUploadLock } from './locker.js';
import { readVisibleUpload, refuseInvisibleUpload } from './ownership.js';
import type { Upload } from './upload.js';
import { isDamagedUpload, type UploadStore } from './upload-store.js';

export interface UploadEngineOptions {
  store: UploadStore;
  locker: UploadLocker;
  events: UploadEvents;
  /** How long a body may go on after another request asked for its lock. */
  lockDrainTimeoutMs?: number;
  /** Quotas and the disk guard (src/limits); everything is admitted by default. */
  admission?: UploadAdmission;
}

export interface TerminateOptions extends UploadRequest {
  /** The protocol's rules on the upload, checked under the lock before it is deleted. */
  check: (upload: Upload) => void;
}

/**
 * The protocol-neutral engine both protocols' handlers are built on: one store, one
 * locker, one events emitter, and the paths every upload takes (create, append, finish,
 * terminate).
 */
export interface UploadEngine extends UploadAppender {
  store: UploadStore;
  locker: UploadLocker;
  events: UploadEvents;
  finishUpload: FinishUpload;
  /** Records a new upload, holding the lock on its id (nothing is written without a lock), and announces `created`. */
  create(upload: Upload): Promise<void>;
  /**
   * Reads upload `id` holding its lock: a request still holding it (a stalled body) is asked
   * to let go first. UPLOAD_NOT_FOUND, as if missing, when the principal may not see it.
   */
  readLocked(id: string, request: UploadRequest): Promise<Upload>;
  /**
   * Deletes upload `id` under its lock (so an in-flight append ends first), after the owner
   * check (UPLOAD_NOT_FOUND, as if missing) and `check`; announces `terminated`.
   * UPLOAD_PARTIAL_IN_USE for a partial an unassembled final needs. A damaged upload (see
   * isDamagedUpload) has no rules left to check: it is deleted, by whoever may see it.
   */
  terminate(id: string, options: TerminateOptions): Promise<void>;
}

export function createUploadEngine({ store: rawStore, locker, events, lockDrainTimeoutMs, admission = OPEN_ADMISSION }: UploadEngineOptions): UploadEngine {
  const store = admittedStore(rawStore, admission);
  const finishUpload = createFinishUpload({ store, events });
  const appender = createUploadAppender({ store, locker, events, finishUpload, lockDrainTimeoutMs, admission });
  return {
    store,
    locker,
    events,
    finishUpload,
    append: appender.append,
    settle: appender.settle,
    async create(upload) {
      // A quota or a full disk refuses the creation before anything is recorded.
      const ticket = await admission.admitCreation(upload.owner, upload.size);
      try {
        await withUploadLock(locker, upload.id, {}, () => store.createUpload(upload));
      } catch (error) {
        await ticket.cancel();
        throw error;
      }
      await ticket.commit(upload.id);
      await events.emit('created', upload);
    },
    async readLocked(id, { signal, principal }) {
      await refuseInvisibleUpload(store, id, principal);
      return withUploadLock(locker, id, { signal }, () => readVisibleUpload(store, id, principal));
    },
    async terminate(id, { signal, principal, check }) {
      await refuseInvisibleUpload(store, id, principal);
      await withUploadLock(locker, id, { signal }, async (lock) => {
        const upload = await readVisibleUpload(store, id, principal).catch((error: unknown) => {
          if (isDamagedUpload(error)) return undefined;
          throw error;
        });
        if (upload !== undefined) check(upload);
        await store.remove(id, () => lock.assertHeld());
      });
      await events.emit('terminated', id);
    },
  };
}
