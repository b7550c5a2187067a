import type { AppError } from '../errors/app-error.js';
import { appError } from '../errors/catalogue.js';
import type { StoreStats } from './types.js';
import type { UploadInfoCache } from './upload-info-cache.js';
import type { UploadPaths } from './upload-paths.js';
import { openUploadWriter, type UploadWriter, type UploadWriterSettings } from './upload-writer.js';

const settled = (): void => undefined;

/**
 * The open writers, keyed by upload id. A writer opens on first use and closes when its
 * upload finishes, is removed, stays idle for `idleCloseMs`, or at `shutdown()`; so memory
 * holds only the uploads being written.
 *
 * Opening, closing and whole-upload tasks (remove, expiry) for one id run one after the
 * other in that id's lane, so an upload is never opened twice nor reopened half-deleted.
 * A writer leaves the map the moment its close is decided, and a later `acquire` waits in
 * the lane for that close to finish before opening afresh.
 */
export class WriterRegistry {
  readonly #settings: UploadWriterSettings;
  readonly #infoCache: UploadInfoCache;
  readonly #writers = new Map<string, UploadWriter>();
  /** Per id, the last queued lane task (settled, never rejecting). */
  readonly #lanes = new Map<string, Promise<void>>();
  #stopped: AppError | undefined;

  constructor(settings: UploadWriterSettings, infoCache: UploadInfoCache) {
    this.#settings = settings;
    this.#infoCache = infoCache;
  }

  /** The open writer of `id`: a map lookup, no I/O. */
  find(id: string): UploadWriter | undefined {
    return this.#writers.get(id);
  }

  /** The writer of `id`, opened from disk if it is not open yet. */
  acquire(id: string, paths: UploadPaths): Promise<UploadWriter> {
    if (this.#stopped !== undefined) return Promise.reject(this.#stopped);
    const writer = this.#writers.get(id);
    if (writer !== undefined) return Promise.resolve(writer);
    return this.exclusive(id, async () => this.#writers.get(id) ?? this.#open(id, paths));
  }

  /** Runs `task` in `id`'s lane, after every open, close and task queued before it. */
  exclusive<T>(id: string, task: () => Promise<T>): Promise<T> {
    const result = (this.#lanes.get(id) ?? Promise.resolve()).then(task);
    const lane = result.then(settled, settled);
    this.#lanes.set(id, lane);
    void lane.then(() => {
      if (this.#lanes.get(id) === lane) this.#lanes.delete(id);
    });
    return result;
  }

  /** Takes `id`'s writer out of the map (to be closed by the caller, inside the lane). */
  take(id: string): UploadWriter | undefined {
    const writer = this.#writers.get(id);
    this.#writers.delete(id);
    return writer;
  }

  /** Closes `writer` with `reason` (its queued chunks are written first). */
  release(writer: UploadWriter, reason: AppError): Promise<void> {
    if (this.#writers.get(writer.id) === writer) this.#writers.delete(writer.id);
    return this.exclusive(writer.id, () => writer.close(reason));
  }

  /** Sums over the open writers' aggregators. */
  stats(): StoreStats {
    const stats: StoreStats = { openUploads: this.#writers.size, queuedItems: 0, bytesQueued: 0, waitingWriters: 0, bytesWaiting: 0 };
    for (const writer of this.#writers.values()) {
      const aggregator = writer.stats();
      stats.queuedItems += aggregator.queuedItems;
      stats.bytesQueued += aggregator.bytesQueued;
      stats.waitingWriters += aggregator.waitingWriters;
      stats.bytesWaiting += aggregator.bytesWaiting;
    }
    return stats;
  }

  /**
   * Refuses every later `acquire` with `reason`, lets running lane tasks end, then closes
   * every writer (each writes what it accepted and fsyncs). Rejects with the first failure,
   * after all of them were tried.
   */
  async shutdown(reason: AppError): Promise<void> {
    this.#stopped ??= reason;
    await Promise.all(this.#lanes.values());
    const writers = [...this.#writers.values()];
    this.#writers.clear();
    const results = await Promise.allSettled(writers.map((writer) => writer.close(reason)));
    const failed = results.find((result) => result.status === 'rejected');
    if (failed !== undefined) throw failed.reason;
  }

  async #open(id: string, paths: UploadPaths): Promise<UploadWriter> {
    if (this.#stopped !== undefined) throw this.#stopped;
    const writer = await openUploadWriter({ id, paths, settings: this.#settings, infoCache: this.#infoCache, onIdle: this.#closeIdle });
    this.#writers.set(id, writer);
    return writer;
  }

  readonly #closeIdle = (writer: UploadWriter): void => {
    this.release(writer, appError('AGG_CLOSED')).catch((error: unknown) => this.#settings.observer?.onError?.(error as Error, writer.id));
  };
}
