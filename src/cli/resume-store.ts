import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { PreviousUpload, UrlStorage } from 'tus-js-client';
import * as tus from 'tus-js-client';

// tus-js-client's Node build exports FileUrlStorage, but its type declarations omit it.
const { FileUrlStorage } = tus as unknown as { FileUrlStorage: new (file: string) => UrlStorage };

/** tus-js-client's URL storage, in one JSON file, that never fails an upload. */
export interface ResumeStore extends UrlStorage {
  file: string;
  /** Resolves once every write asked for so far has ended, so the command exits with the file up to date. */
  settled(): Promise<void>;
}

export interface ResumeStoreOptions {
  directory: string;
  /** Told once, the first time the file cannot be written: uploads go on, but cannot be resumed. */
  onWriteFailure: (message: string) => void;
}

/**
 * The URL of each unfinished upload, keyed by its file's fingerprint (absolute path, size,
 * mtime and endpoint), in `<directory>/uploads.json`. FileUrlStorage locks the file with
 * proper-lockfile, which keeps two ferry processes apart; inside this one, every access
 * waits for the one before, so parallel uploads never contend for the lock and a read never
 * sees the file half rewritten. A write that fails (a read-only cache, a lock left by a
 * killed process) only costs resumability. tus-js-client does not catch a failed save (the
 * rejection would end the process) and would report a failed removal as an error of an
 * upload that succeeded, so writes resolve either way and the failure is told once.
 */
export function createResumeStore({ directory, onWriteFailure }: ResumeStoreOptions): ResumeStore {
  const file = path.join(directory, 'uploads.json');
  const storage = new FileUrlStorage(file);
  // Never rejects: each access runs after the one before, whatever became of it.
  let last: Promise<unknown> = mkdir(directory, { recursive: true }).catch(() => undefined);
  let told = false;

  function inTurn<T>(operation: () => Promise<T>): Promise<T> {
    const result = last.then(operation);
    last = result.catch(() => undefined);
    return result;
  }

  function writeInTurn<T>(operation: () => Promise<T>, fallback: T): Promise<T> {
    return inTurn(operation).catch((error: unknown) => {
      if (!told) onWriteFailure(`cannot write ${file} (${reason(error)}): an interrupted upload will start over`);
      told = true;
      return fallback;
    });
  }

  return {
    file,
    findAllUploads: () => inTurn(() => storage.findAllUploads()),
    findUploadsByFingerprint: (fingerprint) => inTurn(() => storage.findUploadsByFingerprint(fingerprint)),
    addUpload: (fingerprint, upload: PreviousUpload) => writeInTurn(() => storage.addUpload(fingerprint, upload), `tus::${fingerprint}::unsaved`),
    removeUpload: (key) => writeInTurn(() => storage.removeUpload(key), undefined),
    settled: () => last.then(() => undefined),
  };
}

/** The first line of the message (an errno message names the code and path), never a stack. */
function reason(error: unknown): string {
  const message = (error as Error | undefined)?.message;
  return typeof message === 'string' && message !== '' ? message.split('\n')[0] : String(error);
}
