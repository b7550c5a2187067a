import type { Upload } from '@tus/utils';
import type { Metrics } from '../metrics/metrics.js';
import type { UploadConcat } from '../store/upload-concat.js';

/** Called once an upload reached its length (a later issue starts CSV imports here). */
export type UploadFinishedCallback = (upload: Upload) => void | Promise<void>;

export type FinishUpload = (upload: Upload) => Promise<void>;

/** What finishing needs of the store (the consumer owns the interface). */
export interface FinishStore {
  getConcat(id: string): Promise<UploadConcat | undefined>;
  /** Builds the final uploads that waited for partial upload `id` and can now be; never throws. */
  assembleFinalsWaitingOn(id: string): Promise<Upload[]>;
}

export interface FinishUploadOptions {
  metrics: Metrics;
  store: FinishStore;
  onUploadFinished?: UploadFinishedCallback;
}

/**
 * The one path every finished upload takes, whether our POST handler (a body that completes
 * it, a zero-length upload, a final upload assembled at once) or our PATCH handler finished
 * it: count it, then call back. A partial upload is only a piece of a file, so it is not
 * called back for; instead the final uploads waiting for it (concatenation-unfinished) are
 * assembled, before the request that finished it is answered, and finished in turn.
 */
export function createFinishUpload({ metrics, store, onUploadFinished }: FinishUploadOptions): FinishUpload {
  return async function finishUpload(upload) {
    metrics.uploadsFinished.inc();
    if ((await store.getConcat(upload.id))?.kind === 'partial') {
      for (const final of await store.assembleFinalsWaitingOn(upload.id)) await finishUpload(final);
      return;
    }
    await onUploadFinished?.(upload);
  };
}
