import type { AppError } from '../errors/app-error.js';
import type { Upload } from '../uploads/upload.js';

/** What the store tells the outside world (metrics, logs) without knowing who listens. Its methods must not throw. */
export interface StoreObserver {
  /** An fsync of an upload's file finished, taking `seconds`. */
  onFsync?(seconds: number): void;
  /** Bytes handed to the OS for an upload. */
  onBytesWritten?(bytes: number): void;
  /**
   * An error no caller awaits: a periodic fsync, an idle close or a sweep that failed.
   * (Errors of a request's own writes reach that request instead, and may show here too.)
   */
  onError?(error: Error, uploadId: string): void;
  /**
   * A damaged or unsafe upload (UPLOAD_INFO_DAMAGED, UPLOAD_FILE_UNSAFE): told the first time
   * this process meets it, and once more when the expiry sweep quarantines it; never again
   * on every request or sweep.
   */
  onUploadDamaged?(report: DamagedUploadReport): void;
}

/** What the store tells of a damaged or unsafe upload. */
export interface DamagedUploadReport {
  uploadId: string;
  /** UPLOAD_INFO_DAMAGED or UPLOAD_FILE_UNSAFE, with its cause. */
  error: AppError;
  /** The first time this process met the upload damaged (count it once). */
  firstMet: boolean;
  /** Set when the expiry sweep moved its files to this directory. */
  quarantinedTo?: string;
}

export interface FerryStoreOptions {
  /** The data directory. Created if missing. */
  directory: string;
  /** Unfinished uploads expire this long after creation. 0: never (expiration not advertised). */
  expirationMs: number;
  /** fsync period for an upload being written. */
  syncIntervalMs: number;
  /** fsync before every acknowledgement. */
  syncAlways: boolean;
  /** Aggregator queue capacity (chunks). */
  queueCapacity: number;
  /** Aggregator coalescing size (bytes). */
  coalesceBytes: number;
  /** An upload's file handle and aggregator close after this long without writes. */
  idleCloseMs: number;
  observer?: StoreObserver;
}

/** Live numbers for /metrics. */
export interface StoreStats {
  openUploads: number;
  queuedItems: number;
  bytesQueued: number;
  waitingWriters: number;
  bytesWaiting: number;
}

/** A byte range of a download; `end` is inclusive and defaults to the last byte. */
export interface ByteRange {
  start: number;
  end?: number;
}

/** A finished upload opened for download. */
export interface Download {
  upload: Upload;
  /** Inclusive byte range served (`end` is `start - 1` when nothing is served: an empty file). */
  start: number;
  end: number;
  /** Total size of the file. */
  size: number;
  /**
   * The bytes `start..end`, pulled from the file on demand. Its file handle closes at the
   * end, on a read error and on `cancel()`; the reader must do one of the three.
   */
  stream: ReadableStream<Uint8Array>;
}
