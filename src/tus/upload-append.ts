import type { EventEmitter } from 'node:events';
import { EVENTS, type Locker, type Upload } from '@tus/utils';
import { isAppError, type AppError } from '../errors/app-error.js';
import { appError } from '../errors/catalogue.js';
import type { AppendResult } from '../store/types.js';
import { verifyChecksumBody } from './checksum-body.js';
import type { FinishUpload } from './finish-upload.js';
import { readBody, type BodySource } from './read-body.js';
import { tusThrownToAppError } from './tus-errors.js';
import type { ChecksumRequest } from './upload-checksum.js';
import { isUploadFinished } from './upload-expiry.js';

/** What appending a body needs of the store (the consumer owns the interface). */
export interface AppendStore {
  getUpload(id: string): Promise<Upload>;
  append(source: AsyncIterable<Uint8Array>, id: string, offset: number, maxBytes: number): Promise<AppendResult>;
  /** Cuts the upload back to `toOffset`: a chunk whose checksum did not verify is discarded. */
  rollback(id: string, toOffset: number): Promise<void>;
}

/** A request whose body goes into an upload: PATCH, or POST with creation-with-upload. */
export interface BodyRequest {
  /** For headers, the abort signal (client gone) and POST_FINISH listeners. Its body is never read. */
  request: Request;
  /** The request body, read straight from the socket where possible. */
  body: AsyncIterable<Uint8Array>;
  onBytesReceived?: (bytes: number) => void;
  /** A request trailer by lower-case name, once the body has ended (checksum-trailer). */
  readTrailer?: (name: string) => string | undefined;
}

/** Where a body goes, decided while the upload's lock is held. */
export interface AppendTarget {
  upload: Upload;
  offset: number;
  /** The most the body may add (see `bodyLimit`). */
  maxBytes: number;
  /** Set when the body must match an Upload-Checksum (header or trailer) to be kept. */
  checksum?: ChecksumRequest;
}

/** How a request went for its upload; the upload is finished (and fsynced) when `finishedNow`, even after an error. */
export interface AppendOutcome {
  upload: Upload;
  finishedNow: boolean;
  error?: unknown;
}

export interface UploadAppenderOptions {
  store: AppendStore;
  /** The locker @tus/server uses, so PATCH, POST, HEAD and DELETE of one upload exclude each other. */
  locker: Locker;
  finishUpload: FinishUpload;
  /** The @tus/server instance: POST_CREATE and POST_FINISH are emitted on it, as its own handlers do. */
  events: EventEmitter;
  /** How long a body may go on after another request asked for its lock (as @tus/server's lockDrainTimeout). */
  lockDrainTimeoutMs?: number;
}

/** The write and finish path that PATCH and creation-with-upload share. */
export interface UploadAppender {
  /** Takes the upload's lock, asks `prepare` where the body goes, appends it, unlocks. */
  append(request: BodyRequest, id: string, prepare: () => Promise<AppendTarget>): Promise<AppendOutcome>;
  /**
   * Finishes an upload the request completed, whatever else happened; then throws the
   * request's error, or answers with `respond` and announces POST_FINISH with that response.
   */
  settle(outcome: AppendOutcome, request: Request, respond: (upload: Upload) => Response): Promise<Response>;
}

const NO_BODY: AsyncIterable<Uint8Array> = { async *[Symbol.asyncIterator]() {} };

/** How many bytes a body may add at `offset`: up to the upload's length; while it is deferred, up to Tus-Max-Size (0: no limit). */
export function bodyLimit(length: number | undefined, offset: number, maxSize: number): number {
  if (length !== undefined) return length - offset;
  return maxSize > 0 ? maxSize - offset : Number.MAX_SAFE_INTEGER;
}

/** The 413 for a body beyond `bodyLimit`: beyond the upload's length, or (length deferred) beyond Tus-Max-Size. */
export function tooMuch(length: number | undefined): AppError {
  return appError(length !== undefined ? 'UPLOAD_LENGTH_EXCEEDED' : 'UPLOAD_TOO_LARGE');
}

export function createUploadAppender({
  store, locker, finishUpload, events, lockDrainTimeoutMs = 3000,
}: UploadAppenderOptions): UploadAppender {
  /**
   * Appends the body. A body that goes beyond the limit is stored up to it and then refused;
   * a client that goes away keeps what arrived. Either may have completed the upload, and
   * a completed upload is always confirmed (fsynced) and finished, whatever the response.
   * A body with a checksum is all or nothing: on any failure it is rolled back, and it
   * cannot have completed the upload (see verifyChecksumBody).
   */
  async function appendBody({ upload, offset, maxBytes, checksum }: AppendTarget, source: BodySource): Promise<AppendOutcome> {
    const finishedBefore = isUploadFinished(upload);
    try {
      const result = await store.append(source, upload.id, offset, maxBytes);
      upload.offset = result.offset;
      return { upload, finishedNow: result.finished && !finishedBefore };
    } catch (thrown) {
      const error = source.failure ?? (isAppError(thrown, 'UPLOAD_LENGTH_EXCEEDED') ? tooMuch(upload.size) : thrown);
      if (checksum !== undefined) {
        // checksum: the uploaded chunk MUST be discarded, and the upload and its offset
        // MUST NOT be updated; so too when the hash cannot be verified (client gone).
        await store.rollback(upload.id, offset);
        upload.offset = offset;
        return { upload, finishedNow: false, error };
      }
      const completed = finishedBefore ? undefined : await confirmFinished(upload.id);
      return { upload: completed ?? upload, finishedNow: completed !== undefined, error };
    }
  }

  /** The upload, if it reached its length; appending nothing at the end reports `finished` only after an fsync. */
  async function confirmFinished(id: string): Promise<Upload | undefined> {
    try {
      const current = await store.getUpload(id);
      if (!isUploadFinished(current)) return undefined;
      const { finished } = await store.append(NO_BODY, id, current.offset, 0);
      return finished ? current : undefined;
    } catch {
      return undefined; // the client gets the original error
    }
  }

  return {
    async append({ request, body, onBytesReceived, readTrailer }, id, prepare) {
      const stop = new AbortController();
      let drainTimer: NodeJS.Timeout | undefined;
      const lock = locker.newLock(id);
      // Another request asking for the lock means this client is probably gone (a half-open
      // connection): let the body drain for a while, then end it and keep what arrived.
      await lock.lock(request.signal, () => {
        drainTimer ??= setTimeout(() => stop.abort(), lockDrainTimeoutMs).unref();
      }).catch((error: unknown) => {
        throw tusThrownToAppError(error);
      });
      try {
        const target = await prepare();
        const source = readBody(body, { stop: stop.signal, onBytesReceived });
        return await appendBody(target, target.checksum === undefined
          ? source
          : verifyChecksumBody(source, target.checksum, { maxBytes: target.maxBytes, stop: stop.signal, readTrailer }));
      } finally {
        clearTimeout(drainTimer);
        await lock.unlock();
      }
    },

    async settle({ upload, finishedNow, error }, request, respond) {
      if (finishedNow) await finishUpload(upload);
      if (error !== undefined) throw error;
      const response = respond(upload);
      if (finishedNow) events.emit(EVENTS.POST_FINISH, request, response, upload);
      return response;
    },
  };
}
