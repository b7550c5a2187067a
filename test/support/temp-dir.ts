import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after } from 'node:test';

/** A fresh temporary directory, removed when the test file ends. */
export async function makeTempDir(prefix = 'ferry-test-'): Promise<string> {
  const directory = await mkdtemp(path.join(tmpdir(), prefix));
  after(() => rm(directory, { recursive: true, force: true }));
  return directory;
}
