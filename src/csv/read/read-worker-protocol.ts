import type { RecordBatch } from './record-batch.js';
import type { RecordReaderOptions } from './record-reader.js';

/** What the read worker is started with (its workerData). */
export type ReadWorkerData = RecordReaderOptions;

/** Main thread → read worker: the file's next bytes (transferred), or its end. */
export type ToReadWorker = { kind: 'chunk'; bytes: Uint8Array } | { kind: 'end' };

/**
 * Read worker → main thread: exactly one reply per message received, in order, so the
 * main thread always knows how much work is in flight. `bytes` is the size of the chunk
 * the records complete (0 for the end).
 */
export type FromReadWorker = { kind: 'records'; batch: RecordBatch; bytes: number; last: boolean } | { kind: 'failed'; error: unknown };
