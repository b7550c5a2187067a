import { createCipheriv, createHash } from 'node:crypto';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';

const BLOCK = 1024 * 1024;

/** A keystream of AES-256-CTR keyed by `seed`: the same bytes for the same seed, nothing committed. */
function keystream(seed: string) {
  return createCipheriv('aes-256-ctr', createHash('sha256').update(seed).digest(), Buffer.alloc(16));
}

/** `size` pseudo-random bytes from `seed`, in memory. */
export function seededBytes(seed: string, size: number): Buffer {
  return keystream(seed).update(Buffer.alloc(size));
}

/** Streams `size` pseudo-random bytes from `seed` into `file` (never all in memory); resolves with their sha256. */
export async function writeSeededFile(file: string, seed: string, size: number): Promise<string> {
  const cipher = keystream(seed);
  const hash = createHash('sha256');
  const out = createWriteStream(file);
  const zeros = Buffer.alloc(BLOCK);
  for (let written = 0; written < size; written += BLOCK) {
    const block = cipher.update(zeros.subarray(0, Math.min(BLOCK, size - written)));
    hash.update(block);
    if (!out.write(block)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  return hash.digest('hex');
}
