import type { UploadInfo } from './upload-files.js';

/**
 * The info (`<id>.json`) of the uploads touched lately, so that a PATCH right after its
 * POST, or a HEAD before a resume, does not read the JSON again. Only the store writes
 * info files, and it keeps this cache in step (create, declare length, delete); the data
 * file's size, the offset, is never cached here. Bounded: the least recently used entry
 * goes first. A new process starts empty, so the files on disk win after a restart.
 */
export class UploadInfoCache {
  readonly #capacity: number;
  readonly #entries = new Map<string, UploadInfo>();

  constructor(capacity = 4096) {
    this.#capacity = capacity;
  }

  get(id: string): UploadInfo | undefined {
    const info = this.#entries.get(id);
    if (info !== undefined) {
      this.#entries.delete(id);
      this.#entries.set(id, info);
    }
    return info;
  }

  set(info: UploadInfo): void {
    this.#entries.delete(info.id);
    this.#entries.set(info.id, info);
    if (this.#entries.size > this.#capacity) this.#entries.delete(this.#entries.keys().next().value!);
  }

  delete(id: string): void {
    this.#entries.delete(id);
  }
}
