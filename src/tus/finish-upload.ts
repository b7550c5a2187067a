import type { Upload } from '@tus/utils';
import type { Metrics } from '../metrics/metrics.js';

/** Called once an upload reached its length (a later issue starts CSV imports here). */
export type UploadFinishedCallback = (upload: Upload) => void | Promise<void>;

export type FinishUpload = (upload: Upload) => Promise<void>;

export interface FinishUploadOptions {
  metrics: Metrics;
  onUploadFinished?: UploadFinishedCallback;
}

/**
 * The one path every finished upload takes, whether our POST handler (a body that completes
 * it, or a zero-length upload) or our PATCH handler finished it: count it, then call back.
 */
export function createFinishUpload({ metrics, onUploadFinished }: FinishUploadOptions): FinishUpload {
  return async function finishUpload(upload) {
    metrics.uploadsFinished.inc();
    await onUploadFinished?.(upload);
  };
}
