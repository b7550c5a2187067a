import { type AppError, isAppError } from '../errors/app-error.js';
import type { Upload } from './upload.js';

/**
 * Whether `error` says the upload's files are damaged (UPLOAD_INFO_DAMAGED: its info
 * unreadable) or unsafe to open (UPLOAD_FILE_UNSAFE: a symlink, say): such an upload is
 * never served, and can only be deleted.
 */
export function isDamagedUpload(error: unknown): error is AppError {
  return isAppError(error, 'UPLOAD_INFO_DAMAGED') || isAppError(error, 'UPLOAD_FILE_UNSAFE');
}

/** A request body for `append`: any (async) iterable of byte chunks, such as a Node or web stream. */
export type ByteSource = AsyncIterable<Uint8Array> | Iterable<Uint8Array>;

/** The outcome of appending a request body to an upload. */
export interface AppendResult {
  /** The upload's offset after the append: bytes that reached the OS. */
  offset: number;
  /** True when the offset reached the declared length (the file was fsynced). */
  finished: boolean;
}

/**
 * A lock's `assertHeld` (see HeldLock): the store calls it right before each write, writev,
 * truncate and unlink of an upload's files, and when it throws, stops writing for good with
 * that error, leaving the file as it is.
 */
export type WriteFence = () => void;

/** The fence of a caller that holds no losable lock. */
export const NO_FENCE: WriteFence = () => undefined;

/**
 * What the engine needs of a store (the consumer owns the interface; src/store's FerryStore
 * implements it, and the handler tests use an in-memory fake).
 */
export interface UploadStore {
  /** Records a new upload (offset 0); a final upload reserves its partial uploads. */
  createUpload(upload: Upload): Promise<void>;
  /** The upload, or UPLOAD_NOT_FOUND. A fresh object each call. */
  readUpload(id: string): Promise<Upload>;
  /**
   * Appends a body at `offset` (the current offset), at most `maxBytes` and never beyond
   * the length. `finished` is reported after an fsync: appending nothing at the end of an
   * upload confirms it is finished. Each write is fenced by `fence` (LOCK_LOST once it throws).
   */
  append(source: ByteSource, id: string, offset: number, maxBytes: number, fence?: WriteFence): Promise<AppendResult>;
  /** Cuts the upload back to `toOffset`: a chunk whose checksum did not verify is discarded. The truncate is fenced. */
  rollback(id: string, toOffset: number, fence?: WriteFence): Promise<void>;
  /** Sets a deferred length (UPLOAD_LENGTH_INVALID if it conflicts). */
  declareUploadLength(id: string, length: number): Promise<void>;
  /**
   * Deletes the upload, a damaged one too (see isDamagedUpload); UPLOAD_NOT_FOUND, or
   * UPLOAD_PARTIAL_IN_USE for a partial an unassembled final needs. Each unlink is fenced.
   */
  remove(id: string, fence?: WriteFence): Promise<void>;
  /** Builds a final upload once its partial uploads are finished; resolves with it if this call did. */
  assembleFinal(id: string): Promise<Upload | undefined>;
  /** Builds the final uploads that waited for partial upload `id` and can now be; never throws. */
  assembleFinalsWaitingOn(id: string): Promise<Upload[]>;
  /** Deletes the expired unfinished uploads; resolves with how many. */
  deleteExpired(): Promise<number>;
  /** How long unfinished uploads live (ms); 0: forever. */
  getExpiration(): number;
}
