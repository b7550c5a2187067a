import { appError } from '../../src/errors/catalogue.js';
import type { Download } from '../../src/store/types.js';
import { isFinished, type Upload } from '../../src/uploads/upload.js';
import type { AppendResult, ByteSource, UploadStore } from '../../src/uploads/upload-store.js';

interface Stored {
  upload: Upload;
  bytes: Buffer;
}

/**
 * An in-memory UploadStore (and download store): no disk, no aggregator. It keeps the
 * contract the engine relies on: offsets checked, never beyond the length, a partial upload
 * that an unassembled final needs cannot be removed.
 */
export class FakeStore implements UploadStore {
  readonly uploads = new Map<string, Stored>();
  readonly #expirationMs: number;

  constructor({ expirationMs = 0 }: { expirationMs?: number } = {}) {
    this.#expirationMs = expirationMs;
  }

  async createUpload(upload: Upload): Promise<void> {
    if (this.uploads.has(upload.id)) throw appError('UPLOAD_STORE_FAILED');
    if (upload.concat?.kind === 'final') {
      for (const partId of upload.concat.partIds) {
        if (!this.uploads.has(partId)) throw appError('UPLOAD_CONCAT_PART_NOT_FOUND', { details: { uploadId: partId } });
      }
    }
    this.uploads.set(upload.id, { upload: structuredClone({ ...upload, offset: 0 }), bytes: Buffer.alloc(0) });
  }

  async readUpload(id: string): Promise<Upload> {
    return structuredClone(this.#get(id).upload);
  }

  async append(source: ByteSource, id: string, offset: number, maxBytes: number): Promise<AppendResult> {
    const stored = this.#get(id);
    if (stored.upload.offset !== offset) throw appError('UPLOAD_OFFSET_MISMATCH', { details: { offset: stored.upload.offset } });
    const { size } = stored.upload;
    let room = size === undefined ? maxBytes : Math.min(maxBytes, size - offset);
    let failure: unknown;
    try {
      for await (const chunk of source) {
        const kept = chunk.subarray(0, room);
        stored.bytes = Buffer.concat([stored.bytes, kept]);
        stored.upload.offset += kept.byteLength;
        room -= kept.byteLength;
        if (kept.byteLength < chunk.byteLength) {
          failure = appError('UPLOAD_LENGTH_EXCEEDED');
          break;
        }
      }
    } catch (error) {
      failure = error;
    }
    if (failure !== undefined) throw failure;
    return { offset: stored.upload.offset, finished: isFinished(stored.upload) };
  }

  async rollback(id: string, toOffset: number): Promise<void> {
    const stored = this.#get(id);
    stored.bytes = stored.bytes.subarray(0, toOffset);
    stored.upload.offset = toOffset;
  }

  async declareUploadLength(id: string, length: number): Promise<void> {
    const stored = this.#get(id);
    if (stored.upload.size !== undefined && stored.upload.size !== length) throw appError('UPLOAD_LENGTH_INVALID');
    stored.upload.size = length;
  }

  async remove(id: string): Promise<void> {
    this.#get(id);
    if (this.#finalsWaitingOn(id).length > 0) throw appError('UPLOAD_PARTIAL_IN_USE');
    this.uploads.delete(id);
  }

  async assembleFinal(id: string): Promise<Upload | undefined> {
    const final = this.#get(id);
    const { concat } = final.upload;
    if (concat?.kind !== 'final' || isFinished(final.upload)) return undefined;
    const parts = concat.partIds.map((partId) => this.#get(partId));
    if (!parts.every((part) => isFinished(part.upload))) return undefined;
    final.bytes = Buffer.concat(parts.map((part) => part.bytes));
    final.upload.size = final.bytes.byteLength;
    final.upload.offset = final.bytes.byteLength;
    return structuredClone(final.upload);
  }

  async assembleFinalsWaitingOn(id: string): Promise<Upload[]> {
    const assembled: Upload[] = [];
    for (const finalId of this.#finalsWaitingOn(id)) {
      const final = await this.assembleFinal(finalId);
      if (final !== undefined) assembled.push(final);
    }
    return assembled;
  }

  async deleteExpired(): Promise<number> {
    return 0;
  }

  getExpiration(): number {
    return this.#expirationMs;
  }

  async openDownload(id: string): Promise<Download> {
    const { upload, bytes } = this.#get(id);
    if (!isFinished(upload)) throw appError('UPLOAD_NOT_FINISHED');
    return { upload: structuredClone(upload), start: 0, end: bytes.byteLength - 1, size: bytes.byteLength, stream: new Blob([new Uint8Array(bytes)]).stream() };
  }

  #get(id: string): Stored {
    const stored = this.uploads.get(id);
    if (stored === undefined) throw appError('UPLOAD_NOT_FOUND');
    return stored;
  }

  #finalsWaitingOn(partId: string): string[] {
    return [...this.uploads.values()]
      .filter(({ upload }) => upload.concat?.kind === 'final' && upload.concat.partIds.includes(partId) && !isFinished(upload))
      .map(({ upload }) => upload.id);
  }
}
