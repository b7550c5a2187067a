import type { Stats } from 'node:fs';
import { type FileHandle, open } from 'node:fs/promises';
import { usageError } from './command-args.js';

export interface CsvFile {
  size: number;
  /** The file's bytes in chunks; a read error becomes a usage error naming the file. */
  chunks(): AsyncIterable<Uint8Array>;
  close(): Promise<void>;
}

/** Opens the file to import; a missing, unreadable or non-regular file is a usage error. */
export async function openCsvFile(file: string): Promise<CsvFile> {
  let handle: FileHandle;
  try {
    handle = await open(file, 'r');
  } catch (error) {
    throw unreadable(file, error);
  }
  let stats: Stats;
  try {
    stats = await handle.stat();
  } catch (error) {
    await handle.close();
    throw unreadable(file, error);
  }
  if (!stats.isFile()) {
    await handle.close();
    throw usageError(`cannot read ${file}: not a regular file`);
  }
  return {
    size: stats.size,
    chunks: () => readChunks(handle, file),
    close: () => handle.close(),
  };
}

async function* readChunks(handle: FileHandle, file: string): AsyncGenerator<Uint8Array> {
  try {
    for await (const chunk of handle.createReadStream({ autoClose: false, highWaterMark: 256 * 1024 })) yield chunk as Buffer;
  } catch (error) {
    throw unreadable(file, error);
  }
}

const REASONS: Record<string, string> = {
  ENOENT: 'no such file',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EISDIR: 'is a directory',
};

function unreadable(file: string, error: unknown): Error {
  return usageError(unreadableMessage(file, error));
}

/** `cannot read <file>: no such file` (permission denied, is a directory, or the errno code). */
export function unreadableMessage(file: string, error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code ?? 'unknown error';
  return `cannot read ${file}: ${REASONS[code] ?? code}`;
}
