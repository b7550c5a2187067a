import type { Principal } from '../auth/principal.js';
import { type AppError, isAppError } from '../errors/app-error.js';
import { appError } from '../errors/catalogue.js';
import { type BodyAdmission, OPEN_ADMISSION, type UploadAdmission } from './admission.js';
import { verifyChecksumBody } from './checksum-body.js';
import type { ChecksumRequest } from './checksum-request.js';
import type { UploadEvents } from './events.js';
import type { FinishUpload } from './finish.js';
import { type HeldLock, type UploadLocker, withUploadLock } from './locker.js';
import { readVisibleUpload, refuseInvisibleUpload } from './ownership.js';
import { type BodySource, readBody } from './read-body.js';
import { isFinished, type Upload } from './upload.js';
import type { UploadStore, WriteFence } from './upload-store.js';

/** Any request on an upload: who sends it, and its abort signal. */
export interface UploadRequest {
  /** The request's abort signal: the client went away. */
  signal: AbortSignal;
  /** Who the request speaks for: it acts only on uploads it can see (see ownership.ts). */
  principal: Principal;
}

/** A request whose body goes into an upload: PATCH, or a creation that carries data. */
export interface BodyRequest extends UploadRequest {
  /** The request body, read straight from the socket where possible. */
  body: AsyncIterable<Uint8Array>;
  onBytesReceived?: (bytes: number) => void;
  /** A request trailer by lower-case name, once the body has ended (checksum-trailer). */
  readTrailer?: (name: string) => string | undefined;
}

/**
 * Decides where a body goes, given the upload as read under its lock (already checked to
 * be visible to the request's principal).
 */
export type PrepareAppend = (upload: Upload) => Promise<AppendTarget>;

/** Where a body goes, decided while the upload's lock is held. */
export interface AppendTarget {
  upload: Upload;
  offset: number;
  /** The most the body may add (see `bodyLimit`). */
  maxBytes: number;
  /** Set when the body must match a checksum (header or trailer) to be kept. */
  checksum?: ChecksumRequest;
}

/** How a request went for its upload; the upload is finished (and fsynced) when `finishedNow`, even after an error. */
export interface AppendOutcome {
  upload: Upload;
  finishedNow: boolean;
  error?: unknown;
}

export interface UploadAppenderOptions {
  store: UploadStore;
  locker: UploadLocker;
  finishUpload: FinishUpload;
  events: UploadEvents;
  /** How long a body may go on after another request asked for its lock. */
  lockDrainTimeoutMs?: number;
  /** Quotas and the disk guard: where they stop a body (see UploadAdmission). */
  admission?: UploadAdmission;
}

/** The write and finish path every protocol's creation and append share. */
export interface UploadAppender {
  /**
   * Takes the upload's lock, reads the upload (UPLOAD_NOT_FOUND, as if missing, when the
   * request's principal may not see it), asks `prepare` where the body goes, appends it, unlocks.
   */
  append(request: BodyRequest, id: string, prepare: PrepareAppend): Promise<AppendOutcome>;
  /** Finishes an upload the request completed, whatever else happened; then throws the request's error, or answers with `respond`. */
  settle<T>(outcome: AppendOutcome, respond: (upload: Upload) => T): Promise<T>;
}

const NO_BODY: AsyncIterable<Uint8Array> = { async *[Symbol.asyncIterator]() {} };

/** How many bytes a body may add at `offset`: up to the upload's length; while it is deferred, up to the maximum size (0: no limit). */
export function bodyLimit(length: number | undefined, offset: number, maxSize: number): number {
  if (length !== undefined) return length - offset;
  return maxSize > 0 ? maxSize - offset : Number.MAX_SAFE_INTEGER;
}

/**
 * A request whose lock was lost while it ran fails with LOCK_LOST (never with what that
 * caused, such as a body cut short): the client asks for the offset and resumes. What it
 * stored before the loss stays.
 */
function failedIfLost(outcome: AppendOutcome, lock: HeldLock): AppendOutcome {
  if (!lock.lost.aborted || isAppError(outcome.error, 'LOCK_LOST')) return outcome;
  const reason: unknown = lock.lost.reason;
  return { ...outcome, error: isAppError(reason, 'LOCK_LOST') ? reason : appError('LOCK_LOST', { cause: reason }) };
}

/** The 413 for a body beyond `bodyLimit`: beyond the upload's length, or (length deferred) beyond the maximum size. */
export function tooMuch(length: number | undefined): AppError {
  return appError(length !== undefined ? 'UPLOAD_LENGTH_EXCEEDED' : 'UPLOAD_TOO_LARGE');
}

export function createUploadAppender({
  store,
  locker,
  finishUpload,
  events,
  lockDrainTimeoutMs = 1000,
  admission = OPEN_ADMISSION,
}: UploadAppenderOptions): UploadAppender {
  /**
   * Appends the body. A body that goes beyond the limit is stored up to it and then refused;
   * a client that goes away keeps what arrived. Either may have completed the upload, and
   * a completed upload is always confirmed (fsynced) and finished, whatever the response.
   * A body with a checksum is all or nothing: on any failure it is rolled back, and it
   * cannot have completed the upload (see verifyChecksumBody). Every write is fenced by the
   * lock: once it is lost nothing more is written, rolled back or finished.
   */
  async function appendBody({ upload, offset, maxBytes, checksum }: AppendTarget, source: BodySource, fence: WriteFence): Promise<AppendOutcome> {
    const finishedBefore = isFinished(upload);
    try {
      const result = await store.append(source, upload.id, offset, maxBytes, fence);
      upload.offset = result.offset;
      // Progress is advisory: a listener that fails never fails the upload.
      if (result.offset !== offset) events.emit('progress', upload)?.catch(() => undefined);
      return { upload, finishedNow: result.finished && !finishedBefore };
    } catch (thrown) {
      // The upload may be another instance's now: what this request stored stays as it is.
      if (isAppError(thrown, 'LOCK_LOST')) return { upload, finishedNow: false, error: thrown };
      const error = source.failure ?? (isAppError(thrown, 'UPLOAD_LENGTH_EXCEEDED') ? tooMuch(upload.size) : thrown);
      if (checksum !== undefined) {
        // checksum: the uploaded chunk MUST be discarded, and the upload and its offset
        // MUST NOT be updated; so too when the hash cannot be verified (client gone).
        await store.rollback(upload.id, offset, fence);
        upload.offset = offset;
        return { upload, finishedNow: false, error };
      }
      const completed = finishedBefore ? undefined : await confirmFinished(upload.id, fence);
      return { upload: completed ?? upload, finishedNow: completed !== undefined, error };
    }
  }

  /** The upload, if it reached its length; appending nothing at the end reports `finished` only after an fsync. */
  async function confirmFinished(id: string, fence: WriteFence): Promise<Upload | undefined> {
    try {
      const current = await store.readUpload(id);
      if (!isFinished(current)) return undefined;
      const { finished } = await store.append(NO_BODY, id, current.offset, 0, fence);
      return finished ? current : undefined;
    } catch {
      return undefined; // the client gets the original error
    }
  }

  /**
   * A body a limit stopped (quota, disk guard, a full disk) kept what arrived before it (or,
   * with a checksum, was rolled back): the request fails with the limit's error, which says
   * how far the upload got (a lost lock still wins). After a failure the upload is read
   * again for the true offset.
   */
  async function stoppedByAdmission(outcome: AppendOutcome, admitted: BodyAdmission): Promise<AppendOutcome> {
    const current = outcome.error === undefined ? outcome.upload : await store.readUpload(outcome.upload.id).catch(() => outcome.upload);
    await admitted.done(current);
    const stopped = admitted.stopped(outcome.error);
    return stopped === undefined || outcome.finishedNow || isAppError(outcome.error, 'LOCK_LOST') ? outcome : { ...outcome, error: stopped };
  }

  return {
    async append({ signal, principal, body, onBytesReceived, readTrailer }, id, prepare) {
      // Not even queueing on another owner's lock (which would ask its PATCH to let go).
      await refuseInvisibleUpload(store, id, principal);
      const stop = new AbortController();
      let drainTimer: NodeJS.Timeout | undefined;
      // Another request asking for the lock means this client is probably gone (a half-open
      // connection): let the body drain for a while, then end it and keep what arrived.
      const onReleaseRequested = (): void => {
        drainTimer ??= setTimeout(() => stop.abort(), lockDrainTimeoutMs).unref();
      };
      try {
        return await withUploadLock(locker, id, { signal, onReleaseRequested }, async (lock) => {
          // A lost lock ends the body at once; the request then fails with LOCK_LOST.
          const stopOnLoss = (): void => stop.abort(lock.lost.reason);
          lock.lost.addEventListener('abort', stopOnLoss, { once: true });
          if (lock.lost.aborted) stopOnLoss();
          try {
            // The owner check comes first, before any protocol rule could tell the upload exists.
            const target = await prepare(await readVisibleUpload(store, id, principal));
            const admitted = admission.admitBody(target.upload);
            const source = readBody(admitted.limit(body), { stop: stop.signal, onBytesReceived });
            const outcome = await appendBody(
              target,
              target.checksum === undefined
                ? source
                : verifyChecksumBody(source, target.checksum, { maxBytes: target.maxBytes, stop: stop.signal, readTrailer }),
              () => lock.assertHeld(),
            );
            return failedIfLost(await stoppedByAdmission(outcome, admitted), lock);
          } finally {
            lock.lost.removeEventListener('abort', stopOnLoss);
          }
        });
      } finally {
        clearTimeout(drainTimer);
      }
    },

    async settle({ upload, finishedNow, error }, respond) {
      if (finishedNow) await finishUpload(upload);
      if (error !== undefined) throw error;
      return respond(upload);
    },
  };
}
