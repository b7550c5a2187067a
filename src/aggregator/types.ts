/**
 * The aggregator's contract: many writers, one serial consumer. A TypeScript take on
 * golib's ioutils/aggregator (see ARCHITECTURE.md). It knows nothing of files, tus or
 * HTTP: it is handed a write function.
 */
export interface AggregatorOptions {
  /** Called by the one consumer, serially, never twice at once. */
  write: (data: Buffer) => Promise<void> | void;
  /**
   * When set, a batch of several coalesced chunks is handed over as its chunks, for a
   * vectored write (writev) that copies nothing, instead of being joined into one Buffer
   * for `write`. Same rules as `write`: serial, one call per batch. The array is only
   * valid until the returned promise settles.
   */
  writeMany?: (chunks: readonly Buffer[], byteLength: number) => Promise<void> | void;
  /** Most chunks queued before `write()` waits (backpressure). Default 64. */
  queueCapacity?: number;
  /** Queued chunks are joined into one `write` call of at most this many bytes. Default 1 MiB. 0: never join. */
  coalesceBytes?: number;
  /** Runs inside the consumer every `syncIntervalMs`, on `sync()` and at `close()` (no write runs during it). */
  onSync?: () => Promise<void> | void;
  /** 0 or absent: no periodic sync. */
  syncIntervalMs?: number;
  /** Runs every `tickIntervalMs`, outside the consumer, at most `tickMaxConcurrent` at once. */
  onTick?: () => Promise<void> | void;
  tickIntervalMs?: number;
  /** Default 1. */
  tickMaxConcurrent?: number;
  /** How many errors `errors()` keeps (the newest). Default 32. */
  maxErrors?: number;
  /** Told of every error (write, sync, tick); it must not throw, and if it does the consumer lives on. */
  onError?: (error: Error) => void;
}

export interface AggregatorStats {
  /** Writers blocked in `write()` because the queue is full. */
  waitingWriters: number;
  /** Chunks in the queue, counting those being written until their write returns. */
  queuedItems: number;
  /** Bytes held by blocked writers. */
  bytesWaiting: number;
  /** Bytes in the queue. */
  bytesQueued: number;
  /** Totals since creation. Bytes of chunks discarded after a failed write are not written. */
  bytesWritten: number;
  /** `write` calls, failed ones included. */
  writes: number;
  /** `onSync` runs (timer, `sync()` and `close()`), failed ones included. */
  syncs: number;
}
