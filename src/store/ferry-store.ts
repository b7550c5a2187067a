import { constants, mkdirSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { DataStore, type Upload as TusUpload } from '@tus/utils';
import { type AppError, isAppError } from '../errors/app-error.js';
import { appError } from '../errors/catalogue.js';
import { hasExpired, isFinished, type Upload } from '../uploads/upload.js';
import { type AppendResult, type ByteSource, isDamagedUpload, NO_FENCE, type UploadStore, type WriteFence } from '../uploads/upload-store.js';
import { assemblyFileOf } from './concatenate.js';
import { createFileReadStream, resolveByteRange } from './download.js';
import { FinalAssembly } from './final-assembly.js';
import { PendingFinals } from './pending-finals.js';
import { openUploadFile } from './safe-open.js';
import type { ByteRange, Download, FerryStoreOptions, StoreObserver, StoreStats } from './types.js';
import {
  createUploadFiles,
  deleteUploadFiles,
  listUploadIds,
  quarantineUploadFiles,
  readStoredUpload,
  type StoredUpload,
  toTusUpload,
  toUpload,
  uploadInfoOf,
} from './upload-files.js';
import { UploadInfoCache } from './upload-info-cache.js';
import { resolveUploadPaths, type UploadPaths } from './upload-paths.js';
import type { UploadWriter } from './upload-writer.js';
import { WriterRegistry } from './writer-registry.js';

/**
 * The upload store, a @tus DataStore: in `options.directory`, one data file per upload
 * (named by the id; its size is the offset) and `<id>.json` beside it. An upload being
 * written has a writer: its aggregator feeds one open file handle, and its state answers
 * `getUpload` from memory. Beyond the DataStore contract: `append` (with a byte limit and
 * a finished flag), `rollback`, `finishedUploads`, `openDownload`, `stats` and `shutdown`;
 * for concatenation, `assembleFinal`, `assembleFinalsWaitingOn` and `recoverFinals`.
 *
 * Several instances may share one directory (a cluster), each upload under a lock that can
 * be lost: `append`, `rollback` and `remove` take the lock's `assertHeld` as a fence (see
 * UploadWriter), and `evict` makes this instance forget what it holds of an upload, so
 * that whoever takes a lock next reads the truth from the shared directory.
 *
 * Damaged uploads: an info file that is not valid (empty, truncated, garbage: a full disk)
 * is UPLOAD_INFO_DAMAGED; a file that is not a regular file of the data dir (a symlink
 * planted under an upload's name) is UPLOAD_FILE_UNSAFE, and is never read or written
 * through (see openUploadFile). Either is told to the observer once, can be removed, and
 * is quarantined by the expiry sweep.
 */
export class FerryStore extends DataStore implements UploadStore {
  readonly #directory: string;
  readonly #expirationMs: number;
  readonly #observer: StoreObserver | undefined;
  readonly #registry: WriterRegistry;
  readonly #infoCache = new UploadInfoCache();
  readonly #pendingFinals = new PendingFinals();
  readonly #assembly: FinalAssembly;
  /** The damaged uploads already told to the observer (forgotten once their files are gone). */
  readonly #damaged = new Set<string>();

  /** Creates the data directory if it is missing (once, at start-up). */
  constructor(options: FerryStoreOptions) {
    super();
    this.#directory = path.resolve(options.directory);
    this.#expirationMs = options.expirationMs;
    this.#observer = options.observer;
    this.#registry = new WriterRegistry(options, this.#infoCache);
    this.#assembly = new FinalAssembly({
      directory: this.#directory,
      registry: this.#registry,
      infoCache: this.#infoCache,
      pendingFinals: this.#pendingFinals,
      readUpload: (id) => this.readUpload(id),
      reportError: (error, id) => this.#reportError(error, id),
    });
    mkdirSync(this.#directory, { recursive: true });
    this.extensions = ['creation', 'creation-with-upload', 'creation-defer-length', 'termination'];
    if (options.expirationMs > 0) this.extensions.push('expiration');
    this.extensions.push('concatenation', 'concatenation-unfinished');
  }

  /**
   * Writes `<id>.json` (atomically) and an empty data file (exclusively: an existing upload is
   * never overwritten). A final upload (`upload.concat`) first reserves its partial uploads:
   * each must still exist, and none can be deleted until the final is assembled or deleted.
   */
  async createUpload(upload: Upload): Promise<void> {
    const paths = resolveUploadPaths(this.#directory, upload.id);
    if (upload.size !== undefined && !(Number.isSafeInteger(upload.size) && upload.size >= 0)) {
      throw appError('UPLOAD_LENGTH_INVALID');
    }
    if (upload.concat?.kind === 'final') await this.#reserveParts(upload.id, upload.concat.partIds);
    try {
      await createUploadFiles(paths, uploadInfoOf(upload), this.#infoCache);
    } catch (error) {
      this.#pendingFinals.delete(upload.id);
      throw error;
    }
  }

  /** The DataStore create (a stock @tus/server): a tus upload, recorded as createUpload does. */
  override async create(upload: TusUpload): Promise<TusUpload> {
    const createdAt = upload.creation_date ?? new Date().toISOString();
    const record: Upload = { id: upload.id, offset: 0, protocol: 'tus', createdAt };
    if (upload.size !== undefined) record.size = upload.size;
    if (upload.metadata !== undefined) record.metadata = upload.metadata as Record<string, string | null>;
    await this.createUpload(record);
    upload.offset = 0;
    upload.creation_date = createdAt;
    upload.storage = { type: 'file', path: resolveUploadPaths(this.#directory, upload.id).data };
    return upload;
  }

  /** From memory while the upload is open; else its info file and the data file's size. */
  async readUpload(id: string): Promise<Upload> {
    const paths = resolveUploadPaths(this.#directory, id);
    const writer = this.#registry.find(id);
    if (writer !== undefined) return writer.toUpload();
    return this.#noticingDamage(id, async () => {
      const { info, offset } = await readStoredUpload(paths, id, this.#infoCache);
      return toUpload(info, offset);
    });
  }

  /** The DataStore getUpload: readUpload, as @tus/utils' Upload. */
  override async getUpload(id: string): Promise<TusUpload> {
    const paths = resolveUploadPaths(this.#directory, id);
    const writer = this.#registry.find(id);
    if (writer !== undefined) return writer.toTusUpload();
    return this.#noticingDamage(id, async () => {
      const { info, offset } = await readStoredUpload(paths, id, this.#infoCache);
      return toTusUpload(info, offset, paths.data);
    });
  }

  /**
   * Builds final upload `id` out of its partial uploads if they are all finished (see
   * concatenateFiles); resolves with the final if this call completed it, else undefined.
   */
  assembleFinal(id: string): Promise<Upload | undefined> {
    return this.#assembly.assemble(id);
  }

  /** After partial upload `id` finished: assembles the finals it completes; failures are reported to the observer. */
  assembleFinalsWaitingOn(id: string): Promise<Upload[]> {
    return this.#assembly.assembleWaitingOn(id);
  }

  /** At start-up, before requests: finds the finals not assembled yet and assembles those that can be (see FinalAssembly.recover). */
  recoverFinals(): Promise<Upload[]> {
    return this.#assembly.recover();
  }

  /** The DataStore write (@tus/server's POST with a body): `append` bounded by the declared size only. */
  override async write(source: ByteSource, id: string, offset: number): Promise<number> {
    const { offset: newOffset } = await this.append(source, id, offset, Number.MAX_SAFE_INTEGER);
    return newOffset;
  }

  /**
   * Appends a request body to upload `id` at `offset` (its current offset, else
   * UPLOAD_OFFSET_MISMATCH), storing at most `maxBytes` and never beyond the declared size.
   * The result counts only bytes handed to the OS; `finished` is reported after an fsync,
   * and the upload's writer is then closed. A caller that keeps `offset` can `rollback` to it.
   * On failure what was stored stays stored; see UploadWriter.append for each case. Once
   * `fence` throws, nothing more is written and the writer is closed (the next user opens
   * the file afresh); the append rejects with the fence's error.
   */
  async append(source: ByteSource, id: string, offset: number, maxBytes: number, fence: WriteFence = NO_FENCE): Promise<AppendResult> {
    const writer = await this.#acquire(id);
    try {
      return await writer.append(source, offset, maxBytes, fence);
    } finally {
      if (writer.isLost || (writer.isFinished && !writer.isBusy)) await this.#release(writer);
    }
  }

  /** Cuts upload `id` back to `toOffset` (only backwards): flushes, truncates (after `fence`), fixes the offset in memory. */
  async rollback(id: string, toOffset: number, fence: WriteFence = NO_FENCE): Promise<void> {
    const writer = await this.#acquire(id);
    try {
      await writer.rollback(toOffset, fence);
    } finally {
      if (writer.isLost) await this.#release(writer);
    }
  }

  override async declareUploadLength(id: string, length: number): Promise<void> {
    const writer = await this.#acquire(id);
    await writer.declareLength(length);
  }

  /**
   * Closes the upload's writer and deletes both files (a damaged upload's too: a symlink is
   * unlinked, never followed); UPLOAD_NOT_FOUND if there was no upload,
   * UPLOAD_PARTIAL_IN_USE for a partial upload that a final not assembled yet needs. Each
   * unlink comes right after `fence`, which stops the deletion by throwing.
   */
  override async remove(id: string, fence: WriteFence = NO_FENCE): Promise<void> {
    const paths = resolveUploadPaths(this.#directory, id);
    const existed = await this.#registry.exclusive(id, async () => {
      if (this.#pendingFinals.isNeeded(id)) throw appError('UPLOAD_PARTIAL_IN_USE');
      return this.#deleteUpload(id, paths, fence);
    });
    if (!existed) throw appError('UPLOAD_NOT_FOUND');
  }

  /**
   * Forgets what this instance holds of upload `id`, in its lane: its writer is closed (its
   * queued bytes written, the file fsynced if it changed, the handle closed, so that another
   * instance on NFS sees the bytes: close-to-open) and its cached info dropped. The next use
   * reads the upload from the directory again. Resolves for an upload that does not exist;
   * a failure to close is told to the observer, and rethrown.
   */
  evict(id: string): Promise<void> {
    return this.#registry.exclusive(id, async () => {
      this.#infoCache.delete(id);
      await this.#registry
        .take(id)
        ?.close(appError('AGG_CLOSED'))
        .catch((error: unknown) => {
          this.#observer?.onError?.(error as Error, id);
          throw error;
        });
    });
  }

  override getExpiration(): number {
    return this.#expirationMs;
  }

  /**
   * Deletes the unfinished uploads (fewer bytes than the size, or size deferred) created
   * more than `expirationMs` ago, except any being written right now and partial uploads
   * that a final not assembled yet needs (they go once it has expired). Finished uploads
   * stay. A damaged upload (see isDamagedUpload) is moved to `<directory>/quarantine/`, so
   * the next sweep does not meet it again. One upload that cannot be read or deleted is
   * reported and skipped.
   */
  override async deleteExpired(): Promise<number> {
    if (this.#expirationMs <= 0) return 0;
    const now = Date.now();
    let deleted = 0;
    for (const id of await listUploadIds(this.#directory)) {
      try {
        if (await this.#deleteIfExpired(id, now)) deleted += 1;
      } catch (error) {
        if (!isAppError(error, 'UPLOAD_NOT_FOUND')) this.#reportError(error, id);
      }
    }
    return deleted;
  }

  /**
   * Every finished upload (its offset reached its declared size) but partial uploads, which
   * are pieces of a file, read one at a time: only the ids are listed up front. One deleted
   * meanwhile is skipped; one that cannot be read (a damaged one too) is reported to the
   * observer and skipped.
   */
  async *finishedUploads(): AsyncGenerator<Upload> {
    for (const id of await listUploadIds(this.#directory)) {
      let upload: Upload;
      try {
        upload = await this.readUpload(id);
      } catch (error) {
        if (!isAppError(error, 'UPLOAD_NOT_FOUND') && !isDamagedUpload(error)) this.#observer?.onError?.(error as Error, id);
        continue;
      }
      if (isFinished(upload) && upload.concat?.kind !== 'partial') yield upload;
    }
  }

  /**
   * A finished upload for GET (else UPLOAD_NOT_FINISHED), as a pull-based stream of `range`
   * (all of it by default; outside the file: HTTP_RANGE_NOT_SATISFIABLE).
   */
  async openDownload(id: string, range?: ByteRange): Promise<Download> {
    const paths = resolveUploadPaths(this.#directory, id);
    const upload = await this.readUpload(id);
    if (!isFinished(upload)) throw appError('UPLOAD_NOT_FINISHED');
    const size = upload.offset;
    const { start, end } = resolveByteRange(size, range);
    const handle = await this.#noticingDamage(id, () => openUploadFile(paths.data, constants.O_RDONLY, id));
    return { upload, start, end, size, stream: createFileReadStream(handle, start, end + 1, id) };
  }

  stats(): StoreStats {
    return this.#registry.stats();
  }

  /**
   * Writes what every open upload's aggregator accepted, fsyncs and closes them all. Later
   * appends (and anything else that needs a writer) reject with HTTP_SHUTTING_DOWN.
   */
  shutdown(): Promise<void> {
    return this.#registry.shutdown(appError('HTTP_SHUTTING_DOWN'));
  }

  #deleteIfExpired(id: string, now: number): Promise<boolean> {
    const paths = resolveUploadPaths(this.#directory, id);
    return this.#registry.exclusive(id, async () => {
      const writer = this.#registry.find(id);
      if (writer?.isBusy || this.#pendingFinals.isNeeded(id)) return false;
      let state: StoredUpload;
      try {
        state = writer === undefined ? await readStoredUpload(paths, id, this.#infoCache) : { info: writer.info, offset: writer.offset };
      } catch (error) {
        if (!isDamagedUpload(error)) throw error;
        await this.#quarantine(id, paths, error);
        return false;
      }
      if (!hasExpired(toUpload(state.info, state.offset), this.#expirationMs, now)) return false;
      return this.#deleteUpload(id, paths);
    });
  }

  /**
   * Inside `id`'s lane: closes its writer, forgets it as a pending final (and its half-built
   * file), deletes its files. `fence` is asked before anything changes and before each unlink.
   */
  async #deleteUpload(id: string, paths: UploadPaths, fence: WriteFence = NO_FENCE): Promise<boolean> {
    fence();
    await this.#closeForDeletion(id);
    if (this.#pendingFinals.delete(id)) await rm(assemblyFileOf(paths.data), { force: true });
    const existed = await deleteUploadFiles(paths, id, this.#infoCache, fence);
    this.#damaged.delete(id);
    return existed;
  }

  /** Inside `id`'s lane: moves a damaged upload's files to the quarantine directory, and tells the observer (once: its files are gone). */
  async #quarantine(id: string, paths: UploadPaths, error: AppError): Promise<void> {
    const quarantinedTo = await quarantineUploadFiles(this.#directory, paths, id, this.#infoCache);
    this.#observer?.onUploadDamaged?.({ uploadId: id, error, firstMet: !this.#damaged.has(id), quarantinedTo });
    this.#damaged.delete(id);
  }

  /** Opens `id`'s writer; an upload found damaged is told to the observer. */
  #acquire(id: string): Promise<UploadWriter> {
    const paths = resolveUploadPaths(this.#directory, id);
    return this.#noticingDamage(id, () => this.#registry.acquire(id, paths));
  }

  /** Runs `operation` on upload `id`; if it finds the upload damaged, the observer is told (the first time), and the error rethrown. */
  async #noticingDamage<T>(id: string, operation: () => Promise<T>): Promise<T> {
    try {
      return await operation();
    } catch (error) {
      if (isDamagedUpload(error)) this.#noticeDamage(error, id);
      throw error;
    }
  }

  #noticeDamage(error: AppError, id: string): void {
    if (this.#damaged.has(id)) return;
    this.#damaged.add(id);
    this.#observer?.onUploadDamaged?.({ uploadId: id, error, firstMet: true });
  }

  /** An error no caller awaits: a damaged upload is noticed (once), anything else goes to the observer's onError. */
  #reportError(error: unknown, id: string): void {
    if (isDamagedUpload(error)) this.#noticeDamage(error, id);
    else this.#observer?.onError?.(error as Error, id);
  }

  /**
   * In each partial's lane, where deletions run: the partial still exists, and is marked as
   * needed by `finalId`, so a termination or expiry cannot slip in between.
   */
  async #reserveParts(finalId: string, partIds: readonly string[]): Promise<void> {
    for (const partId of new Set(partIds)) {
      try {
        await this.#registry.exclusive(partId, async () => {
          await this.readUpload(partId);
          this.#pendingFinals.add(finalId, partId);
        });
      } catch (error) {
        this.#pendingFinals.delete(finalId);
        throw isAppError(error, 'UPLOAD_NOT_FOUND') ? appError('UPLOAD_CONCAT_PART_NOT_FOUND', { details: { uploadId: partId } }) : error;
      }
    }
  }

  /** Closes `id`'s writer (inside its lane) before its files go; a failure to close does not stop the deletion. */
  async #closeForDeletion(id: string): Promise<void> {
    await this.#registry
      .take(id)
      ?.close(appError('UPLOAD_GONE'))
      .catch((error: unknown) => {
        this.#observer?.onError?.(error as Error, id);
      });
  }

  /** Closes a finished upload's writer (its bytes are already fsynced) or a lost one (it writes nothing); a failure is only reported. */
  async #release(writer: UploadWriter): Promise<void> {
    await this.#registry.release(writer, appError('AGG_CLOSED')).catch((error: unknown) => {
      this.#observer?.onError?.(error as Error, writer.id);
    });
  }
}
