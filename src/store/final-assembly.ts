import { isAppError } from '../errors/app-error.js';
import { appError } from '../errors/catalogue.js';
import { isFinished, type Upload } from '../uploads/upload.js';
import { concatenateFiles } from './concatenate.js';
import type { PendingFinals } from './pending-finals.js';
import { listUploadIds, readStoredUpload, toUpload, type UploadInfo, writeUploadInfo } from './upload-files.js';
import type { UploadInfoCache } from './upload-info-cache.js';
import { resolveUploadPaths } from './upload-paths.js';
import type { WriterRegistry } from './writer-registry.js';

export interface FinalAssemblyOptions {
  directory: string;
  registry: WriterRegistry;
  infoCache: UploadInfoCache;
  pendingFinals: PendingFinals;
  /** The store's readUpload: a partial still being written is answered from memory. */
  readUpload(id: string): Promise<Upload>;
  /** An error no caller awaits (the store sorts damaged uploads from other failures). */
  reportError(error: unknown, uploadId: string): void;
}

/**
 * Builds final uploads (tus concatenation) out of their finished partial uploads: when the
 * final is created, when one of its partials finishes (concatenation-unfinished), and at
 * start-up for the finals a crash left unassembled. A final is assembled in its writer
 * lane, so never twice at once nor while it is being deleted.
 */
export class FinalAssembly {
  readonly #options: FinalAssemblyOptions;

  constructor(options: FinalAssemblyOptions) {
    this.#options = options;
  }

  /**
   * Assembles final upload `finalId` if every partial upload it names is finished; resolves
   * with the final if this call completed it, else undefined (still waiting, or done before).
   */
  assemble(finalId: string): Promise<Upload | undefined> {
    return this.#options.registry.exclusive(finalId, () => this.#assemble(finalId));
  }

  /** Assembles the finals that waited for `partId` and can now be built; failures are reported, not thrown. */
  async assembleWaitingOn(partId: string): Promise<Upload[]> {
    return this.#assembleAll(this.#options.pendingFinals.waitingOn(partId));
  }

  /**
   * At start-up: marks every final not assembled yet as pending (with the partials it
   * waits for) and assembles those whose partials are all finished, as a crash between a
   * partial's finish and its final's assembly left them. Resolves with those assembled.
   */
  async recover(): Promise<Upload[]> {
    const { directory, infoCache, pendingFinals, reportError } = this.#options;
    const waiting: string[] = [];
    for (const id of await listUploadIds(directory)) {
      try {
        const { info, offset } = await readStoredUpload(resolveUploadPaths(directory, id), id, infoCache);
        if (info.concat?.kind !== 'final' || isFinished({ size: info.size, offset })) continue;
        for (const partId of info.concat.partIds) pendingFinals.add(id, partId);
        waiting.push(id);
      } catch (error) {
        if (!isAppError(error, 'UPLOAD_NOT_FOUND')) reportError(error, id);
      }
    }
    return this.#assembleAll(waiting);
  }

  async #assembleAll(finalIds: readonly string[]): Promise<Upload[]> {
    const assembled: Upload[] = [];
    for (const finalId of finalIds) {
      try {
        const upload = await this.assemble(finalId);
        if (upload !== undefined) assembled.push(upload);
      } catch (error) {
        // The final stays pending: the next start tries again.
        if (!isAppError(error, 'UPLOAD_NOT_FOUND')) this.#options.reportError(error, finalId);
      }
    }
    return assembled;
  }

  async #assemble(finalId: string): Promise<Upload | undefined> {
    const { directory, infoCache, pendingFinals, readUpload } = this.#options;
    const paths = resolveUploadPaths(directory, finalId);
    const { info, offset } = await readStoredUpload(paths, finalId, infoCache);
    if (info.concat?.kind !== 'final') return undefined;
    // Only a final of length 0 is complete while pending: it has no bytes to copy.
    if (isFinished({ size: info.size, offset })) return pendingFinals.delete(finalId) ? toUpload(info, offset) : undefined;

    const parts = await Promise.all(info.concat.partIds.map((partId) => readUpload(partId)));
    if (!parts.every(isFinished)) return undefined;
    const size = parts.reduce((sum, part) => sum + part.offset, 0);
    let assembled: UploadInfo = info;
    if (info.size === undefined) {
      // A partial's length was deferred when the final was created: it is known now.
      assembled = { ...info, size };
      await writeUploadInfo(paths, assembled, infoCache);
    } else if (info.size !== size) {
      throw appError('UPLOAD_STORE_FAILED', { message: "The partial uploads do not add up to the final upload's length.", details: { uploadId: finalId } });
    }
    await concatenateFiles(
      paths.data,
      parts.map((part) => ({ id: part.id, file: resolveUploadPaths(directory, part.id).data, size: part.offset })),
    );
    pendingFinals.delete(finalId);
    return toUpload(assembled, size);
  }
}
