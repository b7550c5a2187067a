import { rmSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

/**
 * A fresh temporary directory, removed when the test file's process exits (each test
 * file runs in its own process), so it may be made in a `before` hook and shared.
 */
export async function makeTempDir(prefix = 'ferry-test-'): Promise<string> {
  const directory = await mkdtemp(path.join(tmpdir(), prefix));
  if (directories.size === 0) process.once('exit', removeAll);
  directories.add(directory);
  return directory;
}

const directories = new Set<string>();

function removeAll(): void {
  for (const directory of directories) rmSync(directory, { recursive: true, force: true });
}
