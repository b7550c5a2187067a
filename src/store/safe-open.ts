import { constants, type Stats } from 'node:fs';
import { type FileHandle, lstat, open } from 'node:fs/promises';
import { appError } from '../errors/catalogue.js';
import { errnoCode, toStoreError } from './store-errors.js';

/**
 * O_NOFOLLOW: a symlink as the file's own name fails the open (ELOOP) instead of being
 * followed. O_NONBLOCK: a FIFO swapped in after the lstat cannot hang the open (it has no
 * effect on regular files).
 */
const NO_FOLLOW = constants.O_NOFOLLOW | constants.O_NONBLOCK;

/**
 * The lstat of an upload's file, which must be a regular file of its own: a symlink (or a
 * FIFO, socket or device) placed in the data dir under an upload's name is
 * UPLOAD_FILE_UNSAFE and never followed. Missing (or a directory, as before): UPLOAD_NOT_FOUND.
 */
export async function statUploadFile(file: string, uploadId: string): Promise<Stats> {
  let stats: Stats;
  try {
    stats = await lstat(file);
  } catch (error) {
    throw toStoreError(error, uploadId);
  }
  if (stats.isDirectory()) throw appError('UPLOAD_NOT_FOUND');
  if (!stats.isFile()) throw unsafeFile(uploadId);
  return stats;
}

/**
 * Opens an upload's file (`flags`: O_RDONLY or O_RDWR) so that nothing outside the data dir
 * is ever read or written through it: lstat first (a regular file, see statUploadFile),
 * open with O_NOFOLLOW, then the open file must be the very file the lstat saw (same device
 * and inode), so a symlink swapped in between is refused too. The directory part of the
 * path is the configured data dir (trusted) and an upload id holds no separator (see
 * resolveUploadPaths), so the file opened is inside the data dir.
 */
export async function openUploadFile(file: string, flags: number, uploadId: string): Promise<FileHandle> {
  const seen = await statUploadFile(file, uploadId);
  let handle: FileHandle;
  try {
    handle = await open(file, flags | NO_FOLLOW);
  } catch (error) {
    throw errnoCode(error) === 'ELOOP' ? unsafeFile(uploadId, error) : toStoreError(error, uploadId);
  }
  try {
    const opened = await handle.stat();
    if (!opened.isFile() || opened.dev !== seen.dev || opened.ino !== seen.ino) throw unsafeFile(uploadId);
    return handle;
  } catch (error) {
    await handle.close();
    throw toStoreError(error, uploadId);
  }
}

/** After a copy made by path: the file is still the one `handle` holds (nothing was swapped in meanwhile). */
export async function checkSameFile(file: string, handle: FileHandle, uploadId: string): Promise<void> {
  const [now, held] = await Promise.all([statUploadFile(file, uploadId), handle.stat()]);
  if (now.dev !== held.dev || now.ino !== held.ino) throw unsafeFile(uploadId);
}

function unsafeFile(uploadId: string, cause?: unknown) {
  return appError('UPLOAD_FILE_UNSAFE', { cause, details: { uploadId } });
}
