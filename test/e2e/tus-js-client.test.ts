import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { FerryProcess } from '../support/ferry-process.js';
import { runTusUpload, startWithSourceFile, stopFerry } from '../support/tus-js-client-run.js';
import { headOffset } from '../support/tus-requests.js';

const MiB = 1024 * 1024;
const FILE_SIZE = 50 * MiB;
const CHUNK_SIZE = 5 * MiB;

function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/** One tus-js-client run over the test file (see runTusUpload). */
function runUpload(options: {
  endpoint: string;
  file: string;
  storage: string;
  stopAt?: number;
  resume?: boolean;
}): Promise<{ url: string; aborted: boolean }> {
  return runTusUpload({
    ...options,
    fileSize: FILE_SIZE,
    chunkSize: CHUNK_SIZE,
    upload: { metadata: { filename: path.basename(options.file), filetype: 'application/octet-stream' } },
  });
}

describe('tus-js-client against a real ferry process', () => {
  let ferry: FerryProcess;
  let workDir: string;
  let file: string;
  let source: Buffer;

  before(async () => {
    ({ ferry, workDir, file, source } = await startWithSourceFile(FILE_SIZE));
  });
  after(() => stopFerry(ferry));

  it('uploads 50 MiB in 5 MiB chunks and downloads the same bytes', async () => {
    const { url } = await runUpload({ endpoint: `${ferry.url}/files/`, file, storage: path.join(workDir, 'urls-1.json') });
    const download = Buffer.from(await (await fetch(url)).arrayBuffer());
    assert.equal(download.length, FILE_SIZE);
    assert.equal(sha256(download), sha256(source));
  });

  it('aborts at about 40%, resumes from the server offset with findPreviousUploads, and the bytes hash equal', async () => {
    const storage = path.join(workDir, 'urls-2.json');
    const first = await runUpload({ endpoint: `${ferry.url}/files/`, file, storage, stopAt: 0.4 });
    assert.equal(first.aborted, true);
    const offsetAtAbort = await headOffset(first.url);
    assert.ok(offsetAtAbort >= 0.4 * FILE_SIZE - CHUNK_SIZE && offsetAtAbort < FILE_SIZE, `offset ${offsetAtAbort}`);

    const second = await runUpload({ endpoint: `${ferry.url}/files/`, file, storage, resume: true });
    assert.equal(second.url, first.url, 'the same upload resource was resumed, not a new one');
    const download = Buffer.from(await (await fetch(second.url)).arrayBuffer());
    assert.equal(sha256(download), sha256(source));
  });
});
