import type { UploadEvents } from './events.js';
import type { Upload } from './upload.js';
import type { UploadStore } from './upload-store.js';

/** The one path every finished upload takes (its bytes are already fsynced). */
export type FinishUpload = (upload: Upload) => Promise<void>;

export interface FinishUploadOptions {
  store: Pick<UploadStore, 'assembleFinalsWaitingOn'>;
  events: UploadEvents;
}

/**
 * Announces `finished` (listeners, the import queue among them, are awaited before the
 * request that finished it is answered). A partial upload is only a piece of a file: the
 * final uploads waiting for it (concatenation-unfinished) are assembled, before the request
 * is answered, and finished in turn.
 */
export function createFinishUpload({ store, events }: FinishUploadOptions): FinishUpload {
  return async function finishUpload(upload) {
    await events.emit('finished', upload);
    if (upload.concat?.kind !== 'partial') return;
    for (const final of await store.assembleFinalsWaitingOn(upload.id)) await finishUpload(final);
  };
}
