import type { Worker } from 'node:worker_threads';
import { appError } from '../../errors/catalogue.js';
import type { RawRecord } from '../types.js';
import type { ReadOptions } from './read-records.js';
import type { FromReadWorker, ToReadWorker } from './read-worker-protocol.js';
import { unpackRecords } from './record-batch.js';
import { checkReadOptions } from './record-reader.js';
import { startReadWorker } from './start-read-worker.js';

/** The worker gets the file in pieces of at most this many bytes (a larger source chunk is cut). */
const PIECE_SIZE = 64 * 1024;
/** Pieces sent whose records the consumer has not taken yet: the bound on memory between the threads. */
const MAX_PIECES_IN_FLIGHT = 4;

/**
 * readRecords in a worker thread, so that decoding and csv-parse run on one core while the
 * caller validates and writes on another. Yields the same records, in the same order, in
 * batches: the records each piece of the source completed (a piece that completes none
 * yields nothing).
 *
 * The main thread reads the source and sends it on in pieces; the worker answers each
 * piece with the records it completed. At most MAX_PIECES_IN_FLIGHT pieces are out
 * (sent, or answered but not yet taken by the consumer): a slow consumer stops the source
 * being read, so memory stays flat whatever the file size.
 *
 * An error from the source is thrown after the records of the bytes before it; an
 * exception in the reader is thrown as it was raised; a worker that dies is an
 * INTERNAL_ERROR. Whenever the consumer stops (done, break, throw), the source is closed
 * and the worker terminated before the generator returns.
 */
export async function* readRecordsInWorker(source: AsyncIterable<Uint8Array>, options: ReadOptions): AsyncGenerator<RawRecord[]> {
  const { onProgress, ...readerOptions } = options;
  checkReadOptions(readerOptions);
  const channel = new WorkerChannel(startReadWorker(readerOptions));
  const pumping = channel.pump(source);
  let bytesRead = 0;
  try {
    for (;;) {
      const reply = await channel.next();
      if (reply.bytes > 0) {
        bytesRead += reply.bytes;
        onProgress?.(bytesRead);
      }
      const records = unpackRecords(reply.batch);
      if (records.length > 0) yield records;
      if (reply.last) return;
    }
  } finally {
    channel.stop();
    await pumping;
    await channel.close();
  }
}

type RecordsReply = Extract<FromReadWorker, { kind: 'records' }>;

/** The main thread's side of one read worker: sending with credit, replies in order, failures. */
class WorkerChannel {
  readonly #worker: Worker;
  readonly #replies: RecordsReply[] = [];
  /** Messages sent whose reply the consumer has not taken. */
  #inFlight = 0;
  #workerFailure: unknown;
  #sourceFailure: unknown;
  #sourceFailed = false;
  #stopped = false;
  #finished = false;
  #wakeConsumer: (() => void) | undefined;
  #wakePump: (() => void) | undefined;

  constructor(worker: Worker) {
    this.#worker = worker;
    worker.on('message', (message: FromReadWorker) => {
      if (message.kind === 'failed') this.#failWorker(message.error);
      else {
        if (message.last) this.#finished = true;
        this.#replies.push(message);
      }
      this.#wake();
    });
    worker.on('error', (error) => this.#failWorker(appError('INTERNAL_ERROR', { message: `the CSV read worker failed: ${error.message}`, cause: error })));
    worker.on('messageerror', (error) =>
      this.#failWorker(appError('INTERNAL_ERROR', { message: 'the CSV read worker sent a message that could not be read', cause: error })),
    );
    worker.on('exit', (code) => {
      if (!this.#finished && !this.#stopped)
        this.#failWorker(appError('INTERNAL_ERROR', { message: `the CSV read worker stopped unexpectedly (exit code ${code})` }));
    });
  }

  /** Reads the source into the worker, piece by piece, as credit allows; ends with the end message. */
  async pump(source: AsyncIterable<Uint8Array>): Promise<void> {
    try {
      for await (const chunk of source) {
        for (let at = 0; at < chunk.byteLength; at += PIECE_SIZE) {
          if (!(await this.#credit())) return;
          // A copy, so the transfer detaches only our own buffer (a source chunk may be a view into a shared pool).
          const bytes = new Uint8Array(chunk.subarray(at, at + PIECE_SIZE));
          this.#send({ kind: 'chunk', bytes }, [bytes.buffer as ArrayBuffer]);
        }
      }
      if (this.#stopped) return;
      this.#send({ kind: 'end' }, []);
    } catch (error) {
      this.#sourceFailure = error;
      this.#sourceFailed = true;
      this.#wake();
    }
  }

  /** The next reply, in order; throws the first failure (a source failure only once every piece before it is answered). */
  async next(): Promise<RecordsReply> {
    for (;;) {
      if (this.#workerFailure !== undefined) throw this.#workerFailure;
      const reply = this.#replies.shift();
      if (reply !== undefined) {
        this.#inFlight -= 1;
        this.#wake();
        return reply;
      }
      if (this.#sourceFailed && this.#inFlight === 0) throw this.#sourceFailure;
      await new Promise<void>((resolve) => {
        this.#wakeConsumer = resolve;
      });
    }
  }

  /** Stops the pump at its next piece (the source is then closed). */
  stop(): void {
    this.#stopped = true;
    this.#wake();
  }

  async close(): Promise<void> {
    await this.#worker.terminate();
  }

  /** Waits until fewer than MAX_PIECES_IN_FLIGHT are out; false once stopped. */
  async #credit(): Promise<boolean> {
    while (!this.#stopped && this.#inFlight >= MAX_PIECES_IN_FLIGHT) {
      await new Promise<void>((resolve) => {
        this.#wakePump = resolve;
      });
    }
    return !this.#stopped;
  }

  #send(message: ToReadWorker, transfer: ArrayBuffer[]): void {
    this.#inFlight += 1;
    this.#worker.postMessage(message, transfer);
  }

  #failWorker(error: unknown): void {
    this.#workerFailure ??= error ?? new Error('the CSV read worker failed');
    this.stop();
  }

  #wake(): void {
    const consumer = this.#wakeConsumer;
    const pump = this.#wakePump;
    this.#wakeConsumer = undefined;
    this.#wakePump = undefined;
    consumer?.();
    pump?.();
  }
}
