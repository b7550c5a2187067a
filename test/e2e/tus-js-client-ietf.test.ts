import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { FerryProcess } from '../support/ferry-process.js';
import { runTusUpload, startWithSourceFile, stopFerry } from '../support/tus-js-client-run.js';

const MiB = 1024 * 1024;
const FILE_SIZE = 20 * MiB;
const CHUNK_SIZE = 2 * MiB;
const IETF_INTEROP_6 = { 'Upload-Draft-Interop-Version': '6' } as const;

function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/** The upload's offset, asked the IETF way (HEAD with the interop version). */
async function ietfOffset(uploadUrl: string): Promise<{ offset: number; complete: string | null }> {
  const response = await fetch(uploadUrl, { method: 'HEAD', headers: IETF_INTEROP_6 });
  assert.equal(response.status, 204);
  return { offset: Number(response.headers.get('upload-offset')), complete: response.headers.get('upload-complete') };
}

/** One tus-js-client run over the test file (see runTusUpload). */
function runUpload(options: {
  endpoint: string;
  file: string;
  storage: string;
  stopAt?: number;
  resume?: boolean;
}): Promise<{ url: string; aborted: boolean }> {
  return runTusUpload({ ...options, fileSize: FILE_SIZE, chunkSize: CHUNK_SIZE, upload: { protocol: 'ietf-draft-05' } });
}

describe("tus-js-client with protocol: 'ietf-draft-05' against a real ferry process", () => {
  let ferry: FerryProcess;
  let workDir: string;
  let file: string;
  let source: Buffer;

  before(async () => {
    ({ ferry, workDir, file, source } = await startWithSourceFile(FILE_SIZE));
  });
  after(() => stopFerry(ferry));

  it('uploads 20 MiB in 2 MiB chunks as an IETF upload and downloads the same bytes', async () => {
    const { url } = await runUpload({ endpoint: `${ferry.url}/files/`, file, storage: path.join(workDir, 'urls-1.json') });
    assert.deepEqual(await ietfOffset(url), { offset: FILE_SIZE, complete: '?1' });
    const info = JSON.parse(await readFile(path.join(workDir, 'data', `${path.basename(url)}.json`), 'utf8')) as { protocol?: string };
    assert.equal(info.protocol, 'ietf');
    const download = Buffer.from(await (await fetch(url)).arrayBuffer());
    assert.equal(sha256(download), sha256(source));
  });

  it('aborts at about 40%, resumes from the server offset with findPreviousUploads, and the bytes hash equal', async () => {
    const storage = path.join(workDir, 'urls-2.json');
    const first = await runUpload({ endpoint: `${ferry.url}/files/`, file, storage, stopAt: 0.4 });
    assert.equal(first.aborted, true);
    const atAbort = await ietfOffset(first.url);
    assert.equal(atAbort.complete, '?0');
    assert.ok(atAbort.offset >= 0.4 * FILE_SIZE - CHUNK_SIZE && atAbort.offset < FILE_SIZE, `offset ${atAbort.offset}`);

    const second = await runUpload({ endpoint: `${ferry.url}/files/`, file, storage, resume: true });
    assert.equal(second.url, first.url, 'the same upload resource was resumed, not a new one');
    const download = Buffer.from(await (await fetch(second.url)).arrayBuffer());
    assert.equal(sha256(download), sha256(source));
  });

  it('a tus client cannot resume the IETF upload: its HEAD is refused with 409 UPLOAD_PROTOCOL_MISMATCH', async () => {
    const storage = path.join(workDir, 'urls-3.json');
    const first = await runUpload({ endpoint: `${ferry.url}/files/`, file, storage, stopAt: 0.2 });
    const response = await fetch(first.url, { method: 'HEAD', headers: { 'Tus-Resumable': '1.0.0' } });
    assert.equal(response.status, 409);
    const patch = await fetch(first.url, {
      method: 'PATCH',
      headers: { 'Tus-Resumable': '1.0.0', 'Upload-Offset': String((await ietfOffset(first.url)).offset), 'Content-Type': 'application/offset+octet-stream' },
      body: Buffer.from('x'),
    });
    assert.equal(patch.status, 409);
    assert.equal(((await patch.json()) as { error: { code: string } }).error.code, 'UPLOAD_PROTOCOL_MISMATCH');
  });
});
