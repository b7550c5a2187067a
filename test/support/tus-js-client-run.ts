import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import * as tus from 'tus-js-client';
import { type FerryProcess, spawnFerry } from './ferry-process.js';
import { makeTempDir } from './temp-dir.js';

export interface TusRunOptions {
  endpoint: string;
  file: string;
  fileSize: number;
  chunkSize: number;
  /** The FileUrlStorage file that keeps the upload resumable between runs. */
  storage: string;
  /** Abort once this fraction of the file was sent. */
  stopAt?: number;
  /** Resume the one upload the storage holds (findPreviousUploads, resumeFromPreviousUpload). */
  resume?: boolean;
  /** Further tus-js-client options (protocol, metadata, …). */
  upload?: Partial<tus.UploadOptions>;
}

/**
 * Uploads `file` with tus-js-client in Node, as a client resuming after a drop would;
 * resolves with the upload URL when it succeeds, or once `stopAt` was reached and the
 * upload aborted.
 */
export function runTusUpload(options: TusRunOptions): Promise<{ url: string; aborted: boolean }> {
  return new Promise((resolve, reject) => {
    let aborted = false;
    const upload = new tus.Upload(createReadStream(options.file), {
      endpoint: options.endpoint,
      chunkSize: options.chunkSize,
      retryDelays: [],
      urlStorage: new tus.FileUrlStorage(options.storage),
      storeFingerprintForResuming: true,
      removeFingerprintOnSuccess: false,
      ...options.upload,
      onProgress(bytesSent) {
        if (options.stopAt !== undefined && !aborted && bytesSent >= options.stopAt * options.fileSize) {
          aborted = true;
          upload.abort().then(() => resolve({ url: upload.url!, aborted: true }), reject);
        }
      },
      onSuccess: () => resolve({ url: upload.url!, aborted }),
      onError: reject,
    });
    if (!options.resume) {
      upload.start();
      return;
    }
    upload.findPreviousUploads().then((previous) => {
      assert.equal(previous.length, 1, 'the first run left one resumable upload in the URL storage');
      upload.resumeFromPreviousUpload(previous[0]);
      upload.start();
    }, reject);
  });
}

/** A ferry child process and a file of random bytes to upload to it (see startWithSourceFile). */
export interface SourceFileServer {
  ferry: FerryProcess;
  workDir: string;
  file: string;
  source: Buffer;
}

/** Starts ferry over `<workDir>/data` and writes `size` random bytes to `<workDir>/source.bin`. */
export async function startWithSourceFile(size: number): Promise<SourceFileServer> {
  const workDir = await makeTempDir();
  const ferry = await spawnFerry({ dataDir: path.join(workDir, 'data') });
  const source = randomBytes(size);
  const file = path.join(workDir, 'source.bin');
  await writeFile(file, source);
  return { ferry, workDir, file, source };
}

export async function stopFerry(ferry: FerryProcess | undefined): Promise<void> {
  if (ferry === undefined) return;
  ferry.child.kill('SIGTERM');
  await ferry.exited;
}
