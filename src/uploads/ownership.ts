import type { Principal } from '../auth/principal.js';
import { isAppError } from '../errors/app-error.js';
import { appError } from '../errors/catalogue.js';
import type { Upload } from './upload.js';
import { isDamagedUpload, type UploadStore } from './upload-store.js';

/**
 * THE visibility rule, for uploads and imports alike: an admin sees everything, anyone else
 * only what is theirs. With authentication off every request is anonymous (no owner), so
 * every owner-less upload is visible and nothing is anyone's.
 */
export function canSee(principal: Principal, owner: string | undefined): boolean {
  return principal.admin || principal.owner === owner;
}

/**
 * Upload `id` as `principal` sees it. Another owner's upload is UPLOAD_NOT_FOUND, built
 * exactly as the store builds a missing one (same code, message and no details), so the
 * response cannot tell the two apart and ids cannot be probed. A damaged upload has no
 * owner left to read: only an admin, or anyone while authentication is off, learns that
 * it is damaged (and may delete it); to anyone else it is missing.
 */
export async function readVisibleUpload(store: Pick<UploadStore, 'readUpload'>, id: string, principal: Principal): Promise<Upload> {
  const upload = await store.readUpload(id).catch((error: unknown) => {
    if (isDamagedUpload(error) && !principal.admin && principal.owner !== undefined) throw appError('UPLOAD_NOT_FOUND');
    throw error;
  });
  if (!canSee(principal, upload.owner)) throw appError('UPLOAD_NOT_FOUND');
  return upload;
}

/**
 * The owner check again, before queueing on the upload's lock: a request that waits for the
 * lock asks the PATCH holding it to let go, so without this anyone who knows an id could cut
 * another owner's upload short. It answers UPLOAD_NOT_FOUND only (exactly as missing) and
 * lets every other outcome (a damaged upload, a failed read) reach the check under the lock,
 * which still decides: ownership is not expected to change, but only the locked read is the
 * truth. An admin sees everything, so it costs them nothing; for anyone else it is one
 * readUpload, served from memory while the upload is open (the PATCH hot path).
 */
export async function refuseInvisibleUpload(store: Pick<UploadStore, 'readUpload'>, id: string, principal: Principal): Promise<void> {
  if (principal.admin) return;
  try {
    await readVisibleUpload(store, id, principal);
  } catch (error) {
    if (isAppError(error, 'UPLOAD_NOT_FOUND')) throw error;
  }
}
