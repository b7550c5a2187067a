import { constants, createReadStream, createWriteStream } from 'node:fs';
import { copyFile, open, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { appError } from '../errors/catalogue.js';

/** A finished partial upload's data file and its length. */
export interface ConcatenationPart {
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
 * the next assembly overwrites.
 *
 * Node has no copy_file_range with offsets, so the first part is copied by the OS
 * (`copyFile`: a reflink where the file system can, else copy_file_range or sendfile) and
 * each further part is streamed into its place, a megabyte at a time.
 */
export async function concatenateFiles(target: string, parts: readonly ConcatenationPart[]): Promise<void> {
  const temporary = assemblyFileOf(target);
  try {
    await copyFile(parts[0].file, temporary, constants.COPYFILE_FICLONE);
    let position = parts[0].size;
    for (const part of parts.slice(1)) {
      if (part.size > 0) {
        await pipeline(
          createReadStream(part.file, { start: 0, end: part.size - 1, highWaterMark: COPY_CHUNK_BYTES }),
          createWriteStream(temporary, { flags: 'r+', start: position, highWaterMark: COPY_CHUNK_BYTES }),
        );
      }
      position += part.size;
    }
    await syncFile(temporary, position);
    await rename(temporary, target);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
  await syncDirectory(path.dirname(target));
}

/** fsyncs the built file, after checking it holds exactly the parts' bytes. */
async function syncFile(file: string, expectedSize: number): Promise<void> {
  const handle = await open(file, 'r+');
  try {
    const { size } = await handle.stat();
    if (size !== expectedSize) {
      throw appError('UPLOAD_STORE_FAILED', { message: 'The partial uploads did not add up to the final upload.', details: { size, expected: expectedSize } });
    }
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function syncDirectory(directory: string): Promise<void> {
  const handle = await open(directory, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
