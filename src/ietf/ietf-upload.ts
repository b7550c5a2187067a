import type { EventEmitter } from 'node:events';
import type { Locker, Upload } from '@tus/utils';
import { appError } from '../errors/catalogue.js';
import { uploadProtocol } from '../store/upload-protocol.js';
import type { FinishUpload } from '../tus/finish-upload.js';
import { tusThrownToAppError } from '../tus/tus-errors.js';
import type { AppendStore } from '../tus/upload-append.js';
import { isUploadFinished, uploadExpiresAt } from '../tus/upload-expiry.js';

/** What the IETF handlers need of the store (the consumer owns the interface): FerryStore, as tus uses it. */
export interface IetfStore extends AppendStore {
  create(upload: Upload): Promise<Upload>;
  declareUploadLength(id: string, length: number): Promise<void>;
  remove(id: string): Promise<void>;
  getExpiration(): number;
}

/** What every IETF handler is built from: the same store, locker and finish path as tus. */
export interface IetfHandlerOptions {
  store: IetfStore;
  /** The locker @tus/server and the tus handlers use: one upload, one request at a time, whatever the protocol. */
  locker: Locker;
  finishUpload: FinishUpload;
  /** The @tus/server instance: POST_CREATE, POST_FINISH and POST_TERMINATE go out on it, for /metrics and hooks. */
  events: EventEmitter;
  /** FERRY_MAX_SIZE; 0 is no limit. */
  maxSize: number;
  /** The base of Location (config.publicUrl); empty: a relative Location. */
  publicUrl: string;
}

/**
 * Checks that `upload` may be served to an IETF request: created by IETF (an upload is
 * resumed only with its own protocol) and not expired (finished uploads never expire).
 */
export function checkIetfUpload(upload: Upload, expirationMs: number): void {
  if (uploadProtocol(upload) !== 'ietf') throw appError('UPLOAD_PROTOCOL_MISMATCH', { details: { protocol: uploadProtocol(upload) } });
  const remaining = remainingLifetimeMs(upload, expirationMs);
  if (remaining !== undefined && remaining < 0) throw appError('UPLOAD_GONE');
}

/** How long an unfinished upload has left (ms), or undefined when it does not expire. */
export function remainingLifetimeMs(upload: Upload, expirationMs: number): number | undefined {
  const expiresAt = isUploadFinished(upload) ? undefined : uploadExpiresAt(upload, expirationMs);
  return expiresAt === undefined ? undefined : expiresAt.getTime() - Date.now();
}

/**
 * Runs `work` holding the upload's lock. Asking for the lock tells a request still holding
 * it (a client that went away) to let go, which is what the drafts recommend: "the server
 * SHOULD terminate any in-flight requests to the upload resource".
 */
export async function withUploadLock<T>(locker: Locker, id: string, signal: AbortSignal, work: () => Promise<T>): Promise<T> {
  const lock = locker.newLock(id);
  await lock.lock(signal, () => undefined).catch((error: unknown) => {
    throw tusThrownToAppError(error);
  });
  try {
    return await work();
  } finally {
    await lock.unlock();
  }
}
