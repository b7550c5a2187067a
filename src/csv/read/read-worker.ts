import { parentPort, workerData } from 'node:worker_threads';
import type { FromReadWorker, ReadWorkerData, ToReadWorker } from './read-worker-protocol.js';
import { mayHoldSeparator, packRecords } from './record-batch.js';
import { createRecordReader, type RecordReader } from './record-reader.js';

/**
 * The read worker's entry (see read-in-worker.ts): decodes and parses the chunks the main
 * thread sends, and answers each with the records it completed. It never reads ahead: it
 * only works on what it was sent, so the main thread's credit bounds its memory.
 */

const port = parentPort ?? fail('read-worker.ts runs as a worker thread only');
let reader: RecordReader | undefined;
/** False from the first chunk that may hold a separator character on: later batches go unpacked. */
let packable = true;

function fail(message: string): never {
  throw new Error(message);
}

function reply(message: FromReadWorker): void {
  if (message.kind === 'records') port.postMessage(message, [message.batch.positions.buffer]);
  else port.postMessage(message);
}

port.on('message', (message: ToReadWorker) => {
  try {
    reader ??= createRecordReader(workerData as ReadWorkerData);
    if (message.kind === 'chunk') {
      if (packable && mayHoldSeparator(message.bytes)) packable = false;
      reply({ kind: 'records', batch: packRecords(reader.write(message.bytes), packable), bytes: message.bytes.byteLength, last: false });
    } else {
      reply({ kind: 'records', batch: packRecords(reader.end(), packable), bytes: 0, last: true });
    }
  } catch (error) {
    reply({ kind: 'failed', error });
  }
});
