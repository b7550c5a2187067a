import { isAppError } from '../errors/app-error.js';
import { listUploadIds } from '../store/upload-files.js';
import type { Upload } from '../uploads/upload.js';
import { isDamagedUpload, type UploadStore } from '../uploads/upload-store.js';

/**
 * Every upload in the data directory, read one at a time (for the quota ledger at start-up).
 * One deleted meanwhile is skipped, and so is a damaged one (the store reports it once; it
 * holds no owner or length to count).
 */
export async function* storedUploads(directory: string, store: Pick<UploadStore, 'readUpload'>): AsyncGenerator<Upload> {
  for (const id of await listUploadIds(directory)) {
    try {
      yield await store.readUpload(id);
    } catch (error) {
      if (!isAppError(error, 'UPLOAD_NOT_FOUND') && !isDamagedUpload(error)) throw error;
    }
  }
}
