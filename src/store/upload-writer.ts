import { constants } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import type { Upload as TusUpload } from '@tus/utils';
import { Aggregator, type AggregatorStats } from '../aggregator/index.js';
import { type AppError, isAppError } from '../errors/app-error.js';
import { appError } from '../errors/catalogue.js';
import { isFinished, type Upload } from '../uploads/upload.js';
import { type AppendResult, type ByteSource, NO_FENCE, type WriteFence } from '../uploads/upload-store.js';
import { openUploadFile } from './safe-open.js';
import { toStoreError } from './store-errors.js';
import type { FerryStoreOptions } from './types.js';
import { readUploadInfo, toTusUpload, toUpload, type UploadInfo, writeUploadInfo } from './upload-files.js';
import type { UploadInfoCache } from './upload-info-cache.js';
import type { UploadPaths } from './upload-paths.js';

/** The store options a writer needs. */
export type UploadWriterSettings = Pick<FerryStoreOptions, 'syncAlways' | 'syncIntervalMs' | 'queueCapacity' | 'coalesceBytes' | 'idleCloseMs' | 'observer'>;

export interface UploadWriterOptions {
  id: string;
  paths: UploadPaths;
  settings: UploadWriterSettings;
  infoCache: UploadInfoCache;
  /** Called once `idleCloseMs` passed with no operation running; the owner decides to close. */
  onIdle: (writer: UploadWriter) => void;
}

/** Opens upload `id` for writing: its data file (safely: see openUploadFile; its size is the offset) and its info file. */
export async function openUploadWriter(options: UploadWriterOptions): Promise<UploadWriter> {
  const { id, paths } = options;
  const handle = await openUploadFile(paths.data, constants.O_RDWR, id);
  try {
    const [stats, info] = await Promise.all([handle.stat(), readUploadInfo(paths, id, options.infoCache)]);
    return new UploadWriter(options, handle, info, stats.size);
  } catch (error) {
    await handle.close();
    throw toStoreError(error, id);
  }
}

/**
 * One open upload: its file handle, its aggregator (whose one consumer writes into the
 * file at explicit positions) and its state in memory, so that a PATCH needs no stat and
 * no JSON read. One operation runs at a time (append, rollback, declareLength); another
 * one meanwhile is UPLOAD_LOCKED, so the bytes of two requests never interleave.
 *
 * Fencing: an append or rollback carries its lock's `assertHeld`, called right before each
 * write, writev and truncate. Once it throws, the writer is lost: it never touches the file
 * again (no cut-back: the bytes past its position may be another instance's now), its
 * queued chunks are dropped unwritten, and everything fails with the fence's error until
 * the store closes it (see FerryStore) and the next user opens the file afresh.
 */
export class UploadWriter {
  readonly id: string;
  readonly #paths: UploadPaths;
  readonly #infoCache: UploadInfoCache;
  readonly #settings: UploadWriterSettings;
  readonly #handle: FileHandle;
  readonly #aggregator: Aggregator;
  readonly #idleTimer: NodeJS.Timeout;
  #info: UploadInfo;
  /** Bytes handed to the OS: the file's length, and where the consumer writes next. */
  #length: number;
  /** The file changed since its last fsync. */
  #dirty = false;
  #busy = false;
  /** The running (or last) operation's fence; after a loss, one that always throws. */
  #fence: WriteFence = NO_FENCE;
  #lost = false;
  #closeReason: AppError | undefined;
  #closing: Promise<void> | undefined;

  constructor(options: UploadWriterOptions, handle: FileHandle, info: UploadInfo, length: number) {
    const { settings, onIdle } = options;
    this.id = options.id;
    this.#paths = options.paths;
    this.#infoCache = options.infoCache;
    this.#settings = settings;
    this.#handle = handle;
    this.#info = info;
    this.#length = length;
    // The periodic fsync is a tick, not a sync: it runs beside the writes instead of
    // stalling them (it covers every byte written before it began). The fsyncs that order
    // matters for (before `finished`, `syncAlways`, close) go through sync(), in the consumer.
    this.#aggregator = new Aggregator({
      write: this.#writeAt,
      writeMany: this.#writeManyAt,
      onSync: this.#fsync,
      onTick: this.#fsync,
      tickIntervalMs: settings.syncIntervalMs,
      queueCapacity: settings.queueCapacity,
      coalesceBytes: settings.coalesceBytes,
      onError: (error) => settings.observer?.onError?.(error, this.id),
    });
    this.#aggregator.start();
    this.#idleTimer = setTimeout(() => {
      if (!this.#busy) onIdle(this);
    }, settings.idleCloseMs).unref();
  }

  get offset(): number {
    return this.#length;
  }

  get info(): Readonly<UploadInfo> {
    return this.#info;
  }

  get isBusy(): boolean {
    return this.#busy;
  }

  /** The fence threw: the writer may no longer write, and must be closed (it writes nothing more). */
  get isLost(): boolean {
    return this.#lost;
  }

  get isFinished(): boolean {
    return isFinished({ size: this.#info.size, offset: this.#length });
  }

  toUpload(): Upload {
    return toUpload(this.#info, this.#length);
  }

  toTusUpload(): TusUpload {
    return toTusUpload(this.#info, this.#length, this.#paths.data);
  }

  stats(): AggregatorStats {
    return this.#aggregator.stats();
  }

  /**
   * Appends `source` at `offset`, which must be the current offset (a caller that keeps it
   * can roll back to it). Stores at most `maxBytes`, and never beyond the declared size.
   * Resolves once every byte reached the OS, after an fsync when the upload is finished or
   * `syncAlways` is set. Failures keep what was stored: a source that fails has the bytes
   * that arrived kept and its error rethrown; past the limit exactly the limit is kept and
   * UPLOAD_LENGTH_EXCEEDED thrown; a failed file write leaves the file cut back to the last
   * byte written and throws UPLOAD_STORE_FAILED; a fence that throws stops it for good,
   * with the file as it was, and its error is thrown.
   */
  async append(source: ByteSource, offset: number, maxBytes: number, fence: WriteFence = NO_FENCE): Promise<AppendResult> {
    this.#begin(fence);
    try {
      if (offset !== this.#length) throw appError('UPLOAD_OFFSET_MISMATCH', { details: { offset: this.#length } });
      const stopped = await this.#receive(source, this.#limit(maxBytes));
      await this.#settle(() => this.#aggregator.flush());
      if (this.isFinished || this.#settings.syncAlways) await this.#settle(() => this.#aggregator.sync());
      if (stopped !== undefined) throw stopped;
      return { offset: this.#length, finished: this.isFinished };
    } finally {
      this.#end();
    }
  }

  /**
   * Cuts the upload back to `toOffset`, never forwards: flushes, truncates the file and
   * sets the offset. A checksum that fails rolls back to the offset its append started at.
   * The truncate is fenced, as an append's writes are.
   */
  async rollback(toOffset: number, fence: WriteFence = NO_FENCE): Promise<void> {
    this.#begin(fence);
    try {
      await this.#settle(() => this.#aggregator.flush());
      if (!Number.isSafeInteger(toOffset) || toOffset < 0 || toOffset > this.#length) {
        throw appError('UPLOAD_OFFSET_INVALID', {
          message: 'A rollback goes back to an offset between 0 and the current one.',
          details: { offset: this.#length },
        });
      }
      if (toOffset === this.#length) return;
      this.#checkFence();
      try {
        await this.#handle.truncate(toOffset);
      } catch (error) {
        throw toStoreError(error, this.id);
      }
      this.#length = toOffset;
      this.#dirty = true;
      if (this.#settings.syncAlways) await this.#settle(() => this.#aggregator.sync());
    } finally {
      this.#end();
    }
  }

  /** Sets a deferred length: the info file first (atomically), then memory. */
  async declareLength(length: number): Promise<void> {
    this.#begin(NO_FENCE);
    try {
      const size = this.#info.size;
      if (!Number.isSafeInteger(length) || length < this.#length || (size !== undefined && size !== length)) {
        throw appError('UPLOAD_LENGTH_INVALID', { details: { offset: this.#length } });
      }
      if (size === length) return;
      const info = { ...this.#info, size: length };
      await writeUploadInfo(this.#paths, info, this.#infoCache);
      this.#info = info;
    } finally {
      this.#end();
    }
  }

  /**
   * Closes for good; later operations reject with `reason`. What the aggregator accepted
   * is written, the file fsynced if it changed, the handle closed; a lost writer writes
   * and fsyncs nothing. Idempotent.
   */
  close(reason: AppError): Promise<void> {
    this.#closing ??= this.#shutDown(reason);
    return this.#closing;
  }

  async #shutDown(reason: AppError): Promise<void> {
    this.#closeReason ??= reason;
    clearTimeout(this.#idleTimer);
    try {
      await this.#aggregator.close();
    } catch (error) {
      throw appError('UPLOAD_STORE_FAILED', { cause: error, details: { uploadId: this.id } });
    } finally {
      await this.#handle.close();
    }
  }

  #begin(fence: WriteFence): void {
    if (this.#closeReason !== undefined) throw this.#closeReason;
    if (this.#busy) throw appError('UPLOAD_LOCKED');
    this.#busy = true;
    this.#fence = fence;
  }

  /** Calls the fence; should it throw, the writer is lost (see the class comment) and its error rethrown. */
  #checkFence(): void {
    try {
      this.#fence();
    } catch (error) {
      throw this.#lose(error);
    }
  }

  /** The writer may no longer write: it fails with the fence's error from now on, and its queue is dropped. */
  #lose(error: unknown): unknown {
    if (this.#lost) return error;
    this.#lost = true;
    const reason = isAppError(error) ? error : appError('LOCK_LOST', { cause: error });
    this.#closeReason ??= reason;
    this.#fence = () => {
      throw reason;
    };
    // Not awaited: this runs inside the consumer's write, which discard waits for.
    void this.#aggregator.discard(reason);
    return reason;
  }

  #end(): void {
    this.#busy = false;
    if (this.#closeReason === undefined) this.#idleTimer.refresh();
  }

  #limit(maxBytes: number): number {
    if (!(maxBytes >= 0)) throw new RangeError(`maxBytes must be a number >= 0, got ${maxBytes}.`);
    const size = this.#info.size;
    return size === undefined ? maxBytes : Math.min(maxBytes, Math.max(0, size - this.#length));
  }

  /**
   * Hands the source's chunks to the aggregator (waiting while its queue is full), up to
   * `limit` bytes. Resolves with what stopped it early, if anything.
   */
  async #receive(source: ByteSource, limit: number): Promise<unknown> {
    let room = limit;
    try {
      for await (const chunk of source) {
        if (chunk.byteLength > room) {
          await this.#aggregator.write(chunk.subarray(0, room));
          return appError('UPLOAD_LENGTH_EXCEEDED');
        }
        await this.#aggregator.write(chunk);
        room -= chunk.byteLength;
      }
      return undefined;
    } catch (error) {
      return error;
    }
  }

  /** Runs a flush or sync of the aggregator; the writer's close reason wins over any failure. */
  async #settle(operation: () => Promise<void>): Promise<void> {
    try {
      await operation();
    } catch (error) {
      throw this.#closeReason ?? appError('UPLOAD_STORE_FAILED', { cause: error, details: { uploadId: this.id } });
    }
    if (this.#closeReason !== undefined) throw this.#closeReason;
  }

  /** The aggregator's write function: called serially, so `#length` is where `data` goes. */
  readonly #writeAt = (data: Buffer): Promise<void> => this.#writeChunksAt([data], data.length);

  /** A coalesced batch, in one vectored write (no copy). */
  readonly #writeManyAt = (chunks: readonly Buffer[], byteLength: number): Promise<void> => this.#writeChunksAt(chunks, byteLength);

  async #writeChunksAt(chunks: readonly Buffer[], byteLength: number): Promise<void> {
    const position = this.#length;
    try {
      let written = await this.#writeOnce(chunks, position);
      // Short writes are rare (a full disk): write the rest, one chunk remainder at a time.
      while (written < byteLength) written += await this.#writeOnce(remainderAfter(chunks, written), position + written);
    } catch (error) {
      // A lost writer leaves the file alone: what lies past `position` may not be its own.
      if (!this.#lost) this.#length = await this.#lengthAfterFailedWrite(position);
      throw error;
    }
    this.#length = position + byteLength;
    this.#dirty = true;
    this.#settings.observer?.onBytesWritten?.(byteLength);
  }

  async #writeOnce(chunks: readonly Buffer[], position: number): Promise<number> {
    try {
      this.#fence();
    } catch (error) {
      throw this.#lose(error);
    }
    const { bytesWritten } =
      chunks.length === 1 ? await this.#handle.write(chunks[0], 0, chunks[0].length, position) : await this.#handle.writev(chunks, position);
    if (bytesWritten === 0) throw new Error('The file accepted no bytes.');
    return bytesWritten;
  }

  /**
   * Cuts the file back to where the failed write began, so the offset stays true (unless
   * the fence refuses: then the writer is lost and the file left alone). Should even that
   * fail, the file's own size is believed: any bytes past `position` are a prefix of the
   * failed write, in place.
   */
  async #lengthAfterFailedWrite(position: number): Promise<number> {
    this.#dirty = true;
    this.#checkFence();
    try {
      await this.#handle.truncate(position);
      return position;
    } catch {
      return this.#handle.stat().then(
        (stats) => stats.size,
        () => position,
      );
    }
  }

  /** fsync, skipped when nothing changed since the last one; the aggregator's onSync and onTick. */
  readonly #fsync = async (): Promise<void> => {
    if (!this.#dirty) return;
    this.#dirty = false;
    const started = performance.now();
    try {
      await this.#handle.sync();
    } catch (error) {
      this.#dirty = true;
      throw error;
    }
    this.#settings.observer?.onFsync?.((performance.now() - started) / 1000);
  };
}

/** The bytes of `chunks` after the first `skip`, as views (no copy). */
function remainderAfter(chunks: readonly Buffer[], skip: number): Buffer[] {
  const rest: Buffer[] = [];
  let toSkip = skip;
  for (const chunk of chunks) {
    if (toSkip >= chunk.length) {
      toSkip -= chunk.length;
      continue;
    }
    rest.push(toSkip > 0 ? chunk.subarray(toSkip) : chunk);
    toSkip = 0;
  }
  return rest;
}
