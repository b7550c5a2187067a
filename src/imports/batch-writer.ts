import type { CellValue, Schema } from '../csv/types.js';
import type { Sink, SinkTransaction } from './types.js';

/**
 * Good rows on their way to the sink: one transaction, begun at the first row, written in
 * batches of `batchSize`, so memory holds one batch at most.
 */
export interface BatchWriter {
  add(values: Record<string, CellValue>): Promise<void>;
  /** Writes what is pending and commits; returns the rows written (0, and no transaction, when none came). */
  commit(): Promise<number>;
  /** Drops what is pending and rolls back the transaction, if one is open. Safe to call at any time. */
  rollback(): Promise<void>;
}

export function createBatchWriter(sink: Sink, schema: Schema, batchSize: number): BatchWriter {
  let transaction: SinkTransaction | undefined;
  let pending: Record<string, CellValue>[] = [];

  async function flush(): Promise<void> {
    if (pending.length === 0) return;
    transaction ??= await sink.begin(schema);
    const batch = pending;
    pending = [];
    await transaction.write(batch);
  }

  return {
    async add(values) {
      pending.push(values);
      if (pending.length >= batchSize) await flush();
    },
    async commit() {
      await flush();
      if (transaction === undefined) return 0;
      const committing = transaction;
      transaction = undefined;
      return (await committing.commit()).rows;
    },
    async rollback() {
      pending = [];
      if (transaction === undefined) return;
      const rollingBack = transaction;
      transaction = undefined;
      await rollingBack.rollback();
    },
  };
}
