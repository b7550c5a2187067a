import { createReadStream } from 'node:fs';
import type { HttpRequest, HttpResponse, PreviousUpload } from 'tus-js-client';
import * as tus from 'tus-js-client';
import { CommandError } from './command-failure.js';
import { EXIT_UNAVAILABLE, EXIT_USAGE } from './exit-codes.js';
import type { ResumeStore } from './resume-store.js';
import { authorizationHeaders, badAnswer, parseJson, unreachable } from './server-requests.js';
import { sameMetadata } from './upload-metadata.js';

/**
 * Milliseconds tus-js-client waits before each retry (it starts over from the server's offset,
 * with HEAD). Each gets up to half again at random, so clients cut off together do not all
 * come back at the same moment.
 */
const RETRY_DELAYS_MS = [0, 1000, 3000, 5000, 10_000];

/** Whether the server has answered any request of this command: until then, a network error is not retried. */
export interface ServerContact {
  answered: boolean;
}

export interface UploadFileOptions {
  /** Absolute: the fingerprint that finds an earlier run's upload is built from the path, size and mtime. */
  path: string;
  endpoint: string;
  chunkSize: number;
  /** Sent as `Authorization: Bearer` on every request of the upload (POST, HEAD, PATCH). */
  token?: string;
  metadata: Record<string, string>;
  store: ResumeStore;
  contact: ServerContact;
  /** Aborting stops the upload where it is (the server keeps what it has); the promise rejects. */
  signal: AbortSignal;
  /** The server's offset when sending starts: 0 for a new upload, more when resumed (also after a retry). */
  onStarted(offset: number): void;
  onProgress(bytesSent: number): void;
  /** Something went wrong but the upload goes on: a retry, or resume state that cannot be read. */
  onNotice(message: string): void;
}

export interface UploadedFile {
  url: string;
  uploadId: string;
}

/**
 * Uploads one file with tus-js-client, resuming the upload an earlier run of the same command
 * left unfinished (same file, same endpoint, same metadata): the server's offset comes from
 * HEAD, so only the rest is sent. Failures are CommandErrors: the server cannot be reached
 * (exit 3), refused the upload (its error code and message, exit 1) or failed (exit 3).
 */
export async function uploadFile(options: UploadFileOptions): Promise<UploadedFile> {
  const { path, endpoint, chunkSize, metadata, store, contact, signal } = options;
  let settle: { resolve: (url: string) => void; reject: (error: unknown) => void } | undefined;
  const upload = new tus.Upload(createReadStream(path), {
    endpoint,
    chunkSize,
    metadata,
    headers: authorizationHeaders(options.token),
    urlStorage: store,
    storeFingerprintForResuming: true,
    removeFingerprintOnSuccess: true,
    retryDelays: RETRY_DELAYS_MS.map((delay) => Math.round(delay * (1 + Math.random() / 2))),
    onShouldRetry(error, attempt, { retryDelays }) {
      const status = error.originalResponse?.getStatus() ?? 0;
      // No answer at all (a network error), a server error, or a conflict or lock that clears up.
      const transient = status === 0 || status >= 500 || status === 409 || status === 423;
      // A server that never answered in this run is a wrong URL or a server that is down: say so at once.
      if (!transient || !contact.answered) return false;
      const delay = retryDelays?.[attempt] ?? 0;
      options.onNotice(`${retryReason(error)}; retrying in ${(delay / 1000).toFixed(1)} s (${attempt + 1} of ${RETRY_DELAYS_MS.length})`);
      return true;
    },
    onAfterResponse(request: HttpRequest, response: HttpResponse) {
      contact.answered = true;
      const method = request.getMethod();
      const status = response.getStatus();
      if (method === 'POST' && status === 201) options.onStarted(0);
      if (method === 'HEAD' && status === 200) options.onStarted(Number(response.getHeader('Upload-Offset')));
    },
    onProgress: (bytesSent) => options.onProgress(bytesSent),
    onSuccess: () => settle?.resolve(upload.url!),
    onError: (error) => settle?.reject(describeUploadError(error, path)),
  });

  const previous = await findResumable(upload, metadata).catch((error: unknown) => {
    options.onNotice(`cannot read ${store.file} (${(error as Error).message.split('\n')[0]}): starting a new upload`);
    return undefined;
  });
  if (previous !== undefined) upload.resumeFromPreviousUpload(previous);

  const url = await new Promise<string>((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = (): void => {
      upload.abort().then(() => reject(signal.reason), reject);
    };
    signal.addEventListener('abort', onAbort, { once: true });
    const forget = (): void => signal.removeEventListener('abort', onAbort);
    settle = {
      resolve: (uploaded) => {
        forget();
        resolve(uploaded);
      },
      reject: (error) => {
        forget();
        reject(error);
      },
    };
    upload.start();
  });
  return { url, uploadId: decodeURIComponent(new URL(url).pathname.split('/').at(-1) ?? '') };
}

/** The newest upload an earlier run stored for this file with the same metadata. */
async function findResumable(upload: tus.Upload, metadata: Record<string, string>): Promise<PreviousUpload | undefined> {
  const previous = await upload.findPreviousUploads();
  return previous
    .filter((candidate) => candidate.uploadUrl !== null && sameMetadata(candidate.metadata ?? {}, metadata))
    .sort((left, right) => Date.parse(right.creationTime) - Date.parse(left.creationTime))[0];
}

function retryReason(error: tus.DetailedError): string {
  const status = error.originalResponse?.getStatus();
  return status === undefined ? unreachable(error.originalRequest.getURL(), error).message : `the server answered ${status}`;
}

/** tus-js-client's error as the one line the user sees, with the exit code it means. */
function describeUploadError(error: Error, path: string): CommandError {
  if (!(error instanceof tus.DetailedError)) {
    // Not a request: the file could not be read (it went away, or its permissions changed).
    const { code } = error as NodeJS.ErrnoException;
    return new CommandError(`cannot read ${path}: ${code ?? error.message}`, EXIT_USAGE, { cause: error });
  }
  const response = error.originalResponse;
  const url = error.originalRequest?.getURL() ?? '';
  if (response === null) return unreachable(url, error);
  const status = response.getStatus();
  if (status < 400) return new CommandError(`unexpected answer from ${url}: HTTP ${status} is not what tus 1.0.0 answers`, EXIT_UNAVAILABLE);
  return badAnswer(status < 500 ? 'the server refused the upload' : 'the server failed', status, parseJson(response.getBody()));
}
