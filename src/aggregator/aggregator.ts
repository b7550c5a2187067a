import type { AppError } from '../errors/app-error.js';
import { appError } from '../errors/catalogue.js';
import { ErrorLog, toError } from './error-log.js';
import { RingQueue } from './ring-queue.js';
import type { AggregatorOptions, AggregatorStats } from './types.js';

/** A writer blocked in `write()` because the queue is full. */
interface Waiter {
  chunk: Buffer;
  resolve: () => void;
  reject: (error: Error) => void;
}

/** A pending `flush()` or `sync()`: due once the first `target` accepted chunks are done. */
interface Checkpoint {
  target: number;
  resolve: () => void;
  reject: (error: Error) => void;
}

const RESOLVED: Promise<void> = Promise.resolve();

const DEFAULTS = {
  queueCapacity: 64,
  coalesceBytes: 1024 * 1024,
  syncIntervalMs: 0,
  tickIntervalMs: 0,
  tickMaxConcurrent: 1,
  maxErrors: 32,
};

type Limits = typeof DEFAULTS;

/** Minimum of each numeric option; all must be integers. */
const MINIMUMS: Limits = {
  queueCapacity: 1,
  coalesceBytes: 0,
  syncIntervalMs: 0,
  tickIntervalMs: 0,
  tickMaxConcurrent: 1,
  maxErrors: 0,
};

function resolveLimits(options: AggregatorOptions): Limits {
  const limits = { ...DEFAULTS };
  for (const name of Object.keys(DEFAULTS) as (keyof Limits)[]) {
    const value = options[name] ?? DEFAULTS[name];
    if (!Number.isSafeInteger(value) || value < MINIMUMS[name]) {
      throw new RangeError(`Aggregator option ${name} must be an integer >= ${MINIMUMS[name]}, got ${value}.`);
    }
    limits[name] = value;
  }
  return limits;
}

/**
 * Many writers, one serial consumer (see ARCHITECTURE.md, "The aggregator").
 *
 * Chunk life: `write()` puts a chunk in a bounded queue (or waits, FIFO, while the queue
 * is full) and resolves once it is accepted. The one consumer joins consecutive queued
 * chunks up to `coalesceBytes` and hands them to `options.write`, one call at a time. A
 * chunk stays in the queue (and in `stats().queuedItems`) until the call that writes it
 * returns; only then is its room given to the next waiting writer.
 *
 * Write failures: when `options.write` fails, the error is recorded, every chunk still
 * queued is discarded (it would land after a hole) and waiting writers are rejected with
 * `AGG_WRITE_FAILED` (cause: the original error). The failure is then owed to a flush:
 * every `flush()` / `sync()` pending at that moment rejects with it; if none was pending,
 * every `write()` rejects with it until the next `flush()` / `sync()`, which rejects with
 * it. A flush that rejected with the failure has cleared it: writes are accepted again.
 *
 * Stopped: the consumer and timers are paused; writers may still fill the queue, and
 * `flush()` / `sync()` wait until `start()` or `close()` lets the consumer run again.
 */
export class Aggregator {
  readonly #write: AggregatorOptions['write'];
  readonly #writeMany: AggregatorOptions['writeMany'];
  readonly #onSync: AggregatorOptions['onSync'];
  readonly #onTick: AggregatorOptions['onTick'];
  readonly #limits: Limits;
  readonly #errors: ErrorLog;

  /** Accepted chunks in order; the batch being written is at the front. */
  readonly #chunks: RingQueue<Buffer>;
  readonly #waiters = new RingQueue<Waiter>();
  readonly #flushes = new RingQueue<Checkpoint>();
  readonly #syncs = new RingQueue<Checkpoint>();
  /** Scratch list for `Buffer.concat`, emptied after every join. */
  readonly #batch: Buffer[] = [];
  readonly #ticks = new Set<Promise<void>>();

  /** Chunks accepted / written or discarded since creation: the positions flushes wait for. */
  #accepted = 0;
  #done = 0;
  #bytesQueued = 0;
  #bytesWaiting = 0;
  #bytesWritten = 0;
  #writeCalls = 0;
  #syncRuns = 0;

  #running = false;
  #closed = false;
  #closing: Promise<void> | undefined;
  #startedAt = 0;
  #syncTimer: NodeJS.Timeout | undefined;
  #tickTimer: NodeJS.Timeout | undefined;
  #syncDue = false;
  #failure: AppError | undefined;
  /** Set by `discard()`: nothing queued is written any more. */
  #discardReason: AppError | undefined;

  #consumerActive = false;
  #consumerDone: Promise<void> = RESOLVED;
  /** The consumer's current write or sync; it never rejects. */
  #inFlight: Promise<unknown> = RESOLVED;
  #wakeConsumer: (() => void) | undefined;

  constructor(options: AggregatorOptions) {
    this.#write = options.write;
    this.#writeMany = options.writeMany;
    this.#onSync = options.onSync;
    this.#onTick = options.onTick;
    this.#limits = resolveLimits(options);
    this.#errors = new ErrorLog(this.#limits.maxErrors, options.onError);
    // Sized for the usual capacity at once; a very large capacity grows on demand.
    this.#chunks = new RingQueue(Math.min(this.#limits.queueCapacity, 1024));
  }

  get isRunning(): boolean {
    return this.#running;
  }

  /** Milliseconds since the last `start()`; 0 when not running. */
  get uptime(): number {
    return this.#running ? Date.now() - this.#startedAt : 0;
  }

  get lastError(): Error | undefined {
    return this.#errors.last;
  }

  /** The newest `maxErrors` errors (write, sync, tick, listener), oldest first. */
  errors(): Error[] {
    return this.#errors.list();
  }

  stats(): AggregatorStats {
    return {
      waitingWriters: this.#waiters.length,
      queuedItems: this.#chunks.length,
      bytesWaiting: this.#bytesWaiting,
      bytesQueued: this.#bytesQueued,
      bytesWritten: this.#bytesWritten,
      writes: this.#writeCalls,
      syncs: this.#syncRuns,
    };
  }

  /** Starts the consumer and the timers. Does nothing when running or closed. */
  start(): void {
    if (this.#running || this.#closed) return;
    this.#running = true;
    this.#startedAt = Date.now();
    this.#startTimers();
    // After a stop() whose in-flight write has not returned yet, that consumer goes on.
    if (!this.#consumerActive) this.#launchConsumer();
  }

  /** Pauses: stops the timers; resolves once the in-flight write or sync has returned. */
  async stop(): Promise<void> {
    if (this.#running) {
      this.#running = false;
      this.#stopTimers();
      this.#wake();
    }
    await this.#inFlight;
  }

  async restart(): Promise<void> {
    await this.stop();
    this.start();
  }

  /**
   * Refuses new writes and rejects waiting writers (`AGG_CLOSED`), writes every accepted
   * chunk, runs a final `onSync`, stops the timers and waits for running ticks. Rejects
   * with `AGG_WRITE_FAILED` if a write failed and no flush has reported it, else with
   * the final `onSync` error. Idempotent: every call returns the same promise.
   */
  close(): Promise<void> {
    this.#closing ??= this.#shutDown();
    return this.#closing;
  }

  /**
   * Closes without writing anything more: the write in flight (if any) returns, every
   * chunk still queued is dropped, waiting writers and pending flushes and syncs reject
   * with `reason`, and no final `onSync` runs. For a writer that may no longer write (its
   * lock is lost). After a `close()` it drops what that close has not written yet. Never
   * rejects; `close()` returns the same promise.
   */
  discard(reason: AppError): Promise<void> {
    this.#discardReason ??= reason;
    this.#rejectWaiters(reason);
    this.#wake();
    return this.close();
  }

  /**
   * Resolves once the chunk is accepted into the queue (it waits while the queue is
   * full). The aggregator owns `data` from now on: the caller must not change it.
   * An empty `data` resolves without queueing.
   */
  write(data: Uint8Array): Promise<void> {
    if (this.#closed) return Promise.reject(appError('AGG_CLOSED'));
    if (this.#failure !== undefined) return Promise.reject(this.#failure);
    if (data.byteLength === 0) return RESOLVED;
    const chunk = Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    if (this.#waiters.length === 0 && this.#chunks.length < this.#limits.queueCapacity) {
      this.#accept(chunk);
      return RESOLVED;
    }
    this.#bytesWaiting += chunk.byteLength;
    return new Promise((resolve, reject) => this.#waiters.push({ chunk, resolve, reject }));
  }

  /** Resolves once every chunk accepted before this call has been written. */
  flush(): Promise<void> {
    const failure = this.#takeFailure();
    if (failure !== undefined) return Promise.reject(failure);
    if (this.#done === this.#accepted) return RESOLVED;
    return new Promise((resolve, reject) => this.#flushes.push({ target: this.#accepted, resolve, reject }));
  }

  /**
   * Flushes, then runs `onSync` inside the consumer; rejects if it threw. Without
   * `onSync` it is `flush()`. Rejects with `AGG_CLOSED` once `close()` was called.
   */
  sync(): Promise<void> {
    if (this.#closed) return Promise.reject(appError('AGG_CLOSED'));
    if (this.#onSync === undefined) return this.flush();
    const failure = this.#takeFailure();
    if (failure !== undefined) return Promise.reject(failure);
    return new Promise((resolve, reject) => {
      this.#syncs.push({ target: this.#accepted, resolve, reject });
      this.#wake();
    });
  }

  #takeFailure(): AppError | undefined {
    const failure = this.#failure;
    this.#failure = undefined;
    return failure;
  }

  #accept(chunk: Buffer): void {
    this.#chunks.push(chunk);
    this.#accepted += 1;
    this.#bytesQueued += chunk.byteLength;
    this.#wake();
  }

  #wake(): void {
    const wake = this.#wakeConsumer;
    this.#wakeConsumer = undefined;
    wake?.();
  }

  #launchConsumer(): void {
    this.#consumerActive = true;
    this.#consumerDone = this.#consume();
  }

  /** The one consumer. When closed it drains the queue and ends, whatever `#running` says. */
  async #consume(): Promise<void> {
    while (this.#discardReason === undefined && (this.#closed ? this.#chunks.length > 0 : this.#running)) {
      if (!this.#closed && this.#syncIsDue()) this.#inFlight = this.#runSync();
      else if (this.#chunks.length > 0) this.#inFlight = this.#writeBatch();
      else {
        await new Promise<void>((resolve) => (this.#wakeConsumer = resolve));
        continue;
      }
      await this.#inFlight;
    }
    this.#consumerActive = false;
  }

  #syncIsDue(): boolean {
    return this.#syncDue || (this.#syncs.length > 0 && this.#syncs.peek().target <= this.#done);
  }

  async #writeBatch(): Promise<void> {
    const chunks = this.#chunks;
    let count = 1;
    let bytes = chunks.peek().byteLength;
    while (count < chunks.length && bytes + chunks.peek(count).byteLength <= this.#limits.coalesceBytes) {
      bytes += chunks.peek(count).byteLength;
      count += 1;
    }
    this.#writeCalls += 1;
    try {
      if (count === 1) await this.#write(chunks.peek());
      else if (this.#writeMany === undefined) await this.#write(this.#join(count, bytes));
      else await this.#writeBatchOf(count, bytes, this.#writeMany);
    } catch (error) {
      this.#failWrite(toError(error));
      return;
    }
    chunks.drop(count);
    this.#done += count;
    this.#bytesQueued -= bytes;
    this.#bytesWritten += bytes;
    while (this.#flushes.length > 0 && this.#flushes.peek().target <= this.#done) this.#flushes.shift().resolve();
    while (this.#waiters.length > 0 && chunks.length < this.#limits.queueCapacity) {
      const waiter = this.#waiters.shift();
      this.#bytesWaiting -= waiter.chunk.byteLength;
      this.#accept(waiter.chunk);
      waiter.resolve();
    }
  }

  async #writeBatchOf(count: number, bytes: number, writeMany: NonNullable<AggregatorOptions['writeMany']>): Promise<void> {
    for (let index = 0; index < count; index += 1) this.#batch.push(this.#chunks.peek(index));
    try {
      await writeMany(this.#batch, bytes);
    } finally {
      this.#batch.length = 0;
    }
  }

  #join(count: number, bytes: number): Buffer {
    for (let index = 0; index < count; index += 1) this.#batch.push(this.#chunks.peek(index));
    const joined = Buffer.concat(this.#batch, bytes);
    this.#batch.length = 0;
    return joined;
  }

  /**
   * Every pending flush and sync waits for the failed batch, so all of them reject, and
   * that reports the failure. With none pending it is kept for the next flush.
   */
  #failWrite(cause: Error): void {
    this.#errors.record(cause);
    const failure = appError('AGG_WRITE_FAILED', { cause });
    this.#chunks.clear();
    this.#done = this.#accepted;
    this.#bytesQueued = 0;
    this.#rejectWaiters(failure);
    if (this.#flushes.length === 0 && this.#syncs.length === 0) this.#failure = failure;
    while (this.#flushes.length > 0) this.#flushes.shift().reject(failure);
    while (this.#syncs.length > 0) this.#syncs.shift().reject(failure);
  }

  /** discard(): the queue is dropped unwritten (the consumer has ended), whatever a flush or sync waited for rejects. */
  async #dropQueued(reason: AppError): Promise<void> {
    this.#chunks.clear();
    this.#done = this.#accepted;
    this.#bytesQueued = 0;
    this.#failure = undefined;
    this.#rejectWaiters(reason);
    while (this.#flushes.length > 0) this.#flushes.shift().reject(reason);
    while (this.#syncs.length > 0) this.#syncs.shift().reject(reason);
    await Promise.all(this.#ticks);
  }

  #rejectWaiters(error: Error): void {
    while (this.#waiters.length > 0) {
      const waiter = this.#waiters.shift();
      this.#bytesWaiting -= waiter.chunk.byteLength;
      waiter.reject(error);
    }
  }

  /** Runs `onSync` once for the timer and every sync() whose data is written; never rejects. */
  async #runSync(): Promise<Error | undefined> {
    this.#syncDue = false;
    let served = 0;
    while (served < this.#syncs.length && this.#syncs.peek(served).target <= this.#done) served += 1;
    this.#syncRuns += 1;
    let failure: Error | undefined;
    try {
      await this.#onSync?.();
    } catch (error) {
      failure = toError(error);
      this.#errors.record(failure);
    }
    for (let index = 0; index < served; index += 1) {
      const request = this.#syncs.shift();
      if (failure === undefined) request.resolve();
      else request.reject(failure);
    }
    return failure;
  }

  async #shutDown(): Promise<void> {
    this.#closed = true;
    this.#running = false;
    this.#stopTimers();
    this.#rejectWaiters(appError('AGG_CLOSED'));
    if (this.#consumerActive) this.#wake();
    else this.#launchConsumer();
    await this.#consumerDone;
    if (this.#discardReason !== undefined) return this.#dropQueued(this.#discardReason);
    const syncError = this.#onSync === undefined ? undefined : await this.#runSync();
    await Promise.all(this.#ticks);
    const failure = this.#takeFailure();
    if (failure !== undefined) throw failure;
    if (syncError !== undefined) throw syncError;
  }

  /** The timers are unref()ed: they hold no data, so they must not keep an idle process alive. */
  #startTimers(): void {
    const onSync = this.#onSync;
    const onTick = this.#onTick;
    if (onSync !== undefined && this.#limits.syncIntervalMs > 0) {
      this.#syncTimer = setInterval(() => {
        this.#syncDue = true;
        this.#wake();
      }, this.#limits.syncIntervalMs);
      this.#syncTimer.unref();
    }
    if (onTick !== undefined && this.#limits.tickIntervalMs > 0) {
      this.#tickTimer = setInterval(() => this.#tick(onTick), this.#limits.tickIntervalMs);
      this.#tickTimer.unref();
    }
  }

  #stopTimers(): void {
    clearInterval(this.#syncTimer);
    clearInterval(this.#tickTimer);
    this.#syncTimer = undefined;
    this.#tickTimer = undefined;
  }

  /** Skipped while `tickMaxConcurrent` ticks are still running. */
  #tick(onTick: () => Promise<void> | void): void {
    if (this.#ticks.size >= this.#limits.tickMaxConcurrent) return;
    const tick: Promise<void> = this.#runTick(onTick).finally(() => this.#ticks.delete(tick));
    this.#ticks.add(tick);
  }

  async #runTick(onTick: () => Promise<void> | void): Promise<void> {
    try {
      await onTick();
    } catch (error) {
      this.#errors.record(toError(error));
    }
  }
}
