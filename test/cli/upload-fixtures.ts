import { createHash, randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { FerryProcess } from '../support/ferry-process.js';

export const MiB = 1024 * 1024;

export function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/** A file of random bytes; returns its path and its hash. */
export async function writeRandomFile(directory: string, name: string, size: number): Promise<{ file: string; hash: string }> {
  const data = randomBytes(size);
  const file = path.join(directory, name);
  await writeFile(file, data);
  return { file, hash: sha256(data) };
}

/** The hash of what GET <upload url> answers (the server's copy). */
export async function downloadHash(url: string): Promise<string> {
  const response = await fetch(url);
  if (response.status !== 200) throw new Error(`GET ${url}: ${response.status}`);
  return sha256(Buffer.from(await response.arrayBuffer()));
}

export interface AccessLine {
  method: string;
  route: string;
  uploadId?: string;
  status: number;
  bytesIn: number;
}

/** The server's access log lines (pino JSON, "request completed") from line `from` on. */
export function accessLines(ferry: FerryProcess, from = 0): AccessLine[] {
  return ferry.lines
    .slice(from)
    .map((line) => JSON.parse(line) as AccessLine & { msg: string })
    .filter((entry) => entry.msg === 'request completed');
}

/** The entries of `ferry upload`'s resume state (uploads.json in FERRY_CACHE_DIR); none when the file is absent. */
export async function resumeEntries(cacheDir: string): Promise<{ uploadUrl: string }[]> {
  try {
    return Object.values(JSON.parse(await readFile(path.join(cacheDir, 'uploads.json'), 'utf8')) as Record<string, { uploadUrl: string }>);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

/** The upload URL `ferry upload` printed last for `file`. */
export function uploadedUrl(stdout: string, file: string): string {
  const urls = [...stdout.matchAll(/^(.+): uploaded (\S+)$/gm)].filter(([, name]) => name === file).map(([, , url]) => url);
  if (urls.length === 0) throw new Error(`no "uploaded" line for ${file} in:\n${stdout}`);
  return urls.at(-1)!;
}
