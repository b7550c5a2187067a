import { constants } from 'node:fs';
import { copyFile, type FileHandle, open, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { appError } from '../errors/catalogue.js';
import { checkSameFile, openUploadFile } from './safe-open.js';

/** A finished partial upload's id, data file and length. */
export interface ConcatenationPart {
  id: string;
  file: string;
  size: number;
}

/** Bytes per read when a part is appended: few syscalls, bounded memory. */
const COPY_CHUNK_BYTES = 1024 * 1024;

/** Where a final upload is built before it takes the data file's place; never an upload's name. */
export function assemblyFileOf(dataFile: string): string {
  return `${dataFile}.assembling`;
}

/**
 * Writes the concatenation of `parts` to `target` so that `target` is either what it was
 * (an empty final) or the whole result, never half of it: the bytes go to a temporary file
 * beside it, which is fsynced, renamed over `target`, and the directory fsynced, so the
 * rename survives a crash too. A crash before the rename leaves the temporary file, which
 * the next assembly deletes before it starts afresh.
 *
 * Node has no copy_file_range with offsets, so the first part is copied by the OS
 * (`copyFile`: a reflink where the file system can, else copy_file_range or sendfile) and
 * each further part is copied into its place, a megabyte at a time.
 *
 * No symlink is followed (see openUploadFile): each part is opened safely and read through
 * its handle; the first, copied by path, is checked before and after to be the file its
 * handle holds; the temporary file is created afresh (COPYFILE_EXCL) and written through a
 * handle opened without following links.
 */
export async function concatenateFiles(target: string, parts: readonly ConcatenationPart[]): Promise<void> {
  const temporary = assemblyFileOf(target);
  const [first, ...rest] = parts;
  try {
    // A leftover of a crash, or anything placed there: never written through.
    await rm(temporary, { force: true });
    await withPart(first, async (handle) => {
      await copyFile(first.file, temporary, constants.COPYFILE_EXCL | constants.COPYFILE_FICLONE);
      await checkSameFile(first.file, handle, first.id);
    });
    const output = await openUploadFile(temporary, constants.O_RDWR, path.basename(target));
    try {
      let position = first.size;
      for (const part of rest) {
        if (part.size > 0) {
          await withPart(part, (handle) => copyInto(output, position, handle, part.size));
        }
        position += part.size;
      }
      await syncFile(output, position);
    } finally {
      await output.close();
    }
    await rename(temporary, target);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
  await syncDirectory(path.dirname(target));
}

/** Runs `task` with the part's data file opened safely for reading. */
async function withPart(part: ConcatenationPart, task: (handle: FileHandle) => Promise<void>): Promise<void> {
  const handle = await openUploadFile(part.file, constants.O_RDONLY, part.id);
  try {
    await task(handle);
  } finally {
    await handle.close();
  }
}

/** Copies the first `size` bytes of `source` into `output` at `position`, a megabyte at a time through one buffer. */
async function copyInto(output: FileHandle, position: number, source: FileHandle, size: number): Promise<void> {
  const buffer = Buffer.allocUnsafe(Math.min(COPY_CHUNK_BYTES, size));
  let copied = 0;
  while (copied < size) {
    const { bytesRead } = await source.read(buffer, 0, Math.min(buffer.length, size - copied), copied);
    if (bytesRead === 0) throw appError('UPLOAD_STORE_FAILED', { message: 'A partial upload is shorter than its offset.' });
    let written = 0;
    while (written < bytesRead) written += (await output.write(buffer, written, bytesRead - written, position + copied + written)).bytesWritten;
    copied += bytesRead;
  }
}

/** fsyncs the built file, after checking it holds exactly the parts' bytes. */
async function syncFile(handle: FileHandle, expectedSize: number): Promise<void> {
  const { size } = await handle.stat();
  if (size !== expectedSize) {
    throw appError('UPLOAD_STORE_FAILED', { message: 'The partial uploads did not add up to the final upload.', details: { size, expected: expectedSize } });
  }
  await handle.sync();
}

async function syncDirectory(directory: string): Promise<void> {
  const handle = await open(directory, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
