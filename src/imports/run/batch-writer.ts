import type { CellValue, Schema } from '../../csv/types.js';
import type { Sink, SinkTransaction } from '../types.js';

/**
 * Good rows on their way to the sink: one transaction, begun at the first row, written in
 * batches of `batchSize`. One batch is written while the next one fills: the sink's write
 * (a COPY into PostgreSQL) runs while rows are read and validated, instead of stopping them.
 * Memory holds two batches at most.
 */
export interface BatchWriter {
  /** Queues a row; true when the batch is full, and `flush` must be awaited before the next `add`. */
  add(values: Record<string, CellValue>): boolean;
  /** Waits for the batch being written, if any (and throws its failure), then starts writing the pending rows. */
  flush(): Promise<void>;
  /** Writes what is pending, waits for every write, and commits; returns the rows written (0, and no transaction, when none came). */
  commit(): Promise<number>;
  /** Drops what is pending and rolls back the transaction, if one is open. Safe to call at any time. */
  rollback(): Promise<void>;
}

/** `importId` is the import the sink's transaction commits (its commit-ledger entry). */
export function createBatchWriter(sink: Sink, schema: Schema, importId: string, batchSize: number): BatchWriter {
  let transaction: SinkTransaction | undefined;
  let pending: Record<string, CellValue>[] = [];
  /** The write in progress; it never rejects: its failure is kept for the next flush. */
  let writing: Promise<void> | undefined;
  let failure: { error: unknown } | undefined;

  async function settle(): Promise<void> {
    await writing;
    writing = undefined;
    if (failure !== undefined) throw failure.error;
  }

  async function flush(): Promise<void> {
    await settle();
    if (pending.length === 0) return;
    transaction ??= await sink.begin(schema, importId);
    const batch = pending;
    pending = [];
    writing = transaction.write(batch).catch((error: unknown) => {
      failure = { error };
    });
  }

  return {
    add(values) {
      pending.push(values);
      return pending.length >= batchSize;
    },
    flush,
    async commit() {
      await flush();
      await settle();
      if (transaction === undefined) return 0;
      const committing = transaction;
      transaction = undefined;
      return (await committing.commit()).rows;
    },
    async rollback() {
      pending = [];
      await writing;
      writing = undefined;
      if (transaction === undefined) return;
      const rollingBack = transaction;
      transaction = undefined;
      await rollingBack.rollback();
    },
  };
}
