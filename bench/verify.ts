import { open, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { expectedBytes } from './payload.js';

const SPOT_WINDOWS = 8;
const SPOT_BYTES = 4096;

/** The stored file has `size` bytes, and a few 4 KiB windows (first, last, evenly between) hold the payload. */
export async function verifyStoredFile(dataDir: string, id: string, size: number): Promise<void> {
  const path = join(dataDir, id);
  const actual = (await stat(path)).size;
  if (actual !== size) throw new Error(`stored file ${path} has ${actual} bytes, expected ${size}`);
  const window = Math.min(SPOT_BYTES, size);
  const starts = new Set(Array.from({ length: SPOT_WINDOWS }, (_, index) => Math.floor(((size - window) * index) / (SPOT_WINDOWS - 1))));
  const file = await open(path, 'r');
  try {
    for (const start of starts) {
      const { buffer, bytesRead } = await file.read({ buffer: Buffer.alloc(window), position: start });
      if (bytesRead !== window || !buffer.equals(expectedBytes(start, window))) {
        throw new Error(`stored file ${path} holds wrong bytes at offset ${start}`);
      }
    }
  } finally {
    await file.close();
  }
}

/** Removes what an upload left in a data directory: its file and its <id>.json (ferry and @tus/file-store). */
export async function removeStoredFiles(dataDir: string, ids: readonly string[]): Promise<void> {
  for (const id of ids) {
    await rm(join(dataDir, id), { force: true });
    await rm(join(dataDir, `${id}.json`), { force: true });
  }
}
