import { createReadStream } from 'node:fs';
import * as tus from 'tus-js-client';

export interface ClusterTusOptions {
  /** The proxy's tus endpoint. */
  endpoint: string;
  file: string;
  chunkSize: number;
  /** Resume this upload (HEAD, then PATCH from its offset) instead of creating one. */
  uploadUrl?: string;
  retryDelays?: number[];
  onProgress?: (bytesSent: number) => void;
}

/**
 * Uploads `file` with tus-js-client in Node on a new connection per request (no keep-alive
 * agent), so its requests alternate across the instances behind the proxy; resolves with the
 * upload URL once it succeeded.
 */
export function tusUpload(options: ClusterTusOptions): Promise<string> {
  return new Promise((resolve, reject) => {
    const upload = new tus.Upload(createReadStream(options.file), {
      endpoint: options.endpoint,
      uploadUrl: options.uploadUrl ?? null,
      chunkSize: options.chunkSize,
      retryDelays: options.retryDelays ?? [],
      httpStack: new tus.DefaultHttpStack({ agent: false }),
      onProgress: options.onProgress,
      onSuccess: () => resolve(upload.url!),
      onError: reject,
    });
    upload.start();
  });
}
