import type { Upload } from '@tus/utils';

/** What the store tells the outside world (metrics) without knowing who listens. */
export interface StoreObserver {
  /** An fsync of an upload's file finished, taking `seconds`. */
  onFsync?(seconds: number): void;
  /** Bytes handed to the OS for an upload. */
  onBytesWritten?(bytes: number): void;
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

/** The outcome of appending a request body to an upload. */
export interface AppendResult {
  /** The upload's offset after the append: bytes that reached the OS. */
  offset: number;
  /** True when the offset reached the declared length (the file was fsynced). */
  finished: boolean;
}

/** Live numbers for /metrics. */
export interface StoreStats {
  openUploads: number;
  queuedItems: number;
  bytesQueued: number;
  waitingWriters: number;
  bytesWaiting: number;
}

/** A finished upload opened for download. */
export interface Download {
  upload: Upload;
  /** Inclusive byte range served. */
  start: number;
  end: number;
  /** Total size of the file. */
  size: number;
  /** The bytes `start..end`, as a Node stream that closes its file descriptor when done or destroyed. */
  stream: NodeJS.ReadableStream;
}
