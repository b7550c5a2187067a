import { isAppError } from '../errors/app-error.js';
import { listUploadIds } from '../store/upload-files.js';
import type { Upload } from '../uploads/upload.js';
import type { UploadStore } from '../uploads/upload-store.js';

/** Every upload in the data directory, read one at a time (for the quota ledger at start-up); one deleted meanwhile is skipped. */
export async function* storedUploads(directory: string, store: Pick<UploadStore, 'readUpload'>): AsyncGenerator<Upload> {
  for (const id of await listUploadIds(directory)) {
    try {
      yield await store.readUpload(id);
    } catch (error) {
      if (!isAppError(error, 'UPLOAD_NOT_FOUND')) throw error;
    }
  }
}
