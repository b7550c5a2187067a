import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { appendFile, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { after, before, describe, it } from 'node:test';
import * as tus from 'tus-js-client';
import { peopleCsv, peopleSchema, writeSchemasDir } from '../imports/harness.js';
import { type FerryProcess, spawnFerry } from '../support/ferry-process.js';
import { makeTempDir } from '../support/temp-dir.js';
import { TUS, waitFor } from '../support/tus-requests.js';

const MiB = 1024 * 1024;
const FILE_SIZE = 100 * MiB;

/** Writes `size` pseudo-random bytes to `file`, a MiB at a time; resolves with their SHA-256. */
async function writeRandomFile(file: string, size: number): Promise<string> {
  const hash = createHash('sha256');
  async function* chunks() {
    for (let written = 0; written < size; written += MiB) {
      const chunk = randomBytes(Math.min(MiB, size - written));
      hash.update(chunk);
      yield chunk;
    }
  }
  await pipeline(Readable.from(chunks()), createWriteStream(file));
  return hash.digest('hex');
}

/** GETs `url` and hashes the body as it streams in. */
async function downloadHash(url: string): Promise<{ status: number; sha256: string; bytes: number }> {
  const response = await fetch(url);
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const chunk of response.body!) {
    hash.update(chunk);
    bytes += chunk.byteLength;
  }
  return { status: response.status, sha256: hash.digest('hex'), bytes };
}

/** Uploads `file` with tus-js-client in `parallelUploads` partial uploads; resolves with the final upload's URL. */
function parallelUpload(endpoint: string, file: string, metadata: Record<string, string>): Promise<string> {
  return new Promise((resolve, reject) => {
    const upload = new tus.Upload(createReadStream(file), {
      endpoint,
      parallelUploads: 4,
      chunkSize: 8 * MiB,
      retryDelays: [],
      metadata,
      storeFingerprintForResuming: false,
      onSuccess: () => resolve(upload.url!),
      onError: reject,
    });
    upload.start();
  });
}

async function post(baseUrl: string, headers: Record<string, string>): Promise<string> {
  const response = await fetch(`${baseUrl}/files/`, { method: 'POST', headers: { ...TUS, ...headers } });
  assert.equal(response.status, 201, await response.text());
  return response.headers.get('location')!;
}

async function patch(baseUrl: string, location: string, offset: number, body: Buffer): Promise<void> {
  const response = await fetch(`${baseUrl}${location}`, {
    method: 'PATCH',
    headers: { ...TUS, 'Upload-Offset': String(offset), 'Content-Type': 'application/offset+octet-stream' },
    body: new Uint8Array(body),
  });
  assert.equal(response.status, 204, await response.text());
}

async function head(baseUrl: string, location: string): Promise<Headers> {
  const response = await fetch(`${baseUrl}${location}`, { method: 'HEAD', headers: TUS });
  assert.equal(response.status, 200);
  return response.headers;
}

async function importState(baseUrl: string, finalUrl: string): Promise<{ status: string; summary?: { rowsImported: number } }> {
  const id = `upload-${finalUrl.split('/').pop()}`;
  let state: { status: string; summary?: { rowsImported: number } } | undefined;
  await waitFor(
    `import ${id} to finish`,
    async () => {
      const response = await fetch(`${baseUrl}/imports/${id}`);
      if (response.status === 404) return false;
      state = (await response.json()) as typeof state;
      return state!.status === 'succeeded' || state!.status === 'failed';
    },
    30_000,
  );
  return state!;
}

const metadataOf = (entries: Record<string, string>) =>
  Object.entries(entries)
    .map(([key, value]) => `${key} ${Buffer.from(value).toString('base64')}`)
    .join(',');

describe('tus-js-client with parallelUploads against a real ferry process', () => {
  let ferry: FerryProcess;
  let workDir: string;
  let schemasDir: string;

  before(async () => {
    workDir = await makeTempDir();
    schemasDir = await writeSchemasDir([peopleSchema()]);
    ferry = await spawnFerry({ dataDir: path.join(workDir, 'data'), args: ['--schemas-dir', schemasDir] });
  });
  after(async () => {
    ferry.child.kill('SIGTERM');
    await ferry.exited;
  });

  it('uploads 100 MiB in 4 partial uploads; the final upload downloads as the same bytes', async () => {
    const file = path.join(workDir, 'source.bin');
    const sourceHash = await writeRandomFile(file, FILE_SIZE);
    const url = await parallelUpload(`${ferry.url}/files/`, file, { filename: 'source.bin' });
    const final = await head(ferry.url, new URL(url).pathname);
    assert.equal(final.get('upload-length'), String(FILE_SIZE));
    assert.equal(final.get('upload-offset'), String(FILE_SIZE));
    assert.match(final.get('upload-concat') ?? '', /^final;(\S+ ){3}\S+$/);
    assert.deepEqual(await downloadHash(url), { status: 200, sha256: sourceHash, bytes: FILE_SIZE });
  });

  it('a CSV with schema metadata uploaded in parallel partial uploads is imported once, as one file', async () => {
    const file = path.join(workDir, 'people.csv');
    await writeFile(file, peopleCsv(20_000));
    const url = await parallelUpload(`${ferry.url}/files/`, file, { filename: 'people.csv', schema: 'people' });
    const state = await importState(ferry.url, url);
    assert.equal(state.status, 'succeeded', JSON.stringify(state));
    assert.equal(state.summary?.rowsImported, 20_000);
  });
});

describe('a final upload across a SIGKILL', () => {
  it('a final created before its partial uploads finish completes when they do, after a restart', async () => {
    const dataDir = path.join(await makeTempDir(), 'data');
    const first = await spawnFerry({ dataDir });
    const parts = [
      await post(first.url, { 'Upload-Concat': 'partial', 'Upload-Length': '5' }),
      await post(first.url, { 'Upload-Concat': 'partial', 'Upload-Length': '6' }),
    ];
    await patch(first.url, parts[0], 0, Buffer.from('he'));
    const final = await post(first.url, { 'Upload-Concat': `final;${parts.join(' ')}` });
    first.child.kill('SIGKILL');
    assert.equal(await first.exited, 'SIGKILL');

    const second = await spawnFerry({ dataDir });
    try {
      assert.equal((await head(second.url, final)).get('upload-offset'), null);
      await patch(second.url, parts[0], 2, Buffer.from('llo'));
      await patch(second.url, parts[1], 0, Buffer.from(' world'));
      assert.equal((await head(second.url, final)).get('upload-offset'), '11');
      assert.equal(await (await fetch(`${second.url}${final}`)).text(), 'hello world');
    } finally {
      second.child.kill('SIGTERM');
      await second.exited;
    }
  });

  it('a final whose partial uploads finished just before the crash is assembled (and imported) at the restart', async () => {
    const dataDir = path.join(await makeTempDir(), 'data');
    const schemasDir = await writeSchemasDir([peopleSchema()]);
    const csv = Buffer.from(peopleCsv(100));
    const cut = 1000;
    const first = await spawnFerry({ dataDir, args: ['--schemas-dir', schemasDir] });
    const parts = [
      await post(first.url, { 'Upload-Concat': 'partial', 'Upload-Length': String(cut) }),
      await post(first.url, { 'Upload-Concat': 'partial', 'Upload-Length': String(csv.length - cut) }),
    ];
    await patch(first.url, parts[0], 0, csv.subarray(0, cut));
    await patch(first.url, parts[1], 0, csv.subarray(cut, csv.length - 10));
    const final = await post(first.url, { 'Upload-Concat': `final;${parts.join(' ')}`, 'Upload-Metadata': metadataOf({ schema: 'people' }) });
    first.child.kill('SIGKILL');
    assert.equal(await first.exited, 'SIGKILL');

    // The crash window: the last PATCH's bytes reached the disk, the final was not assembled,
    // and an earlier assembly left a half-built file behind.
    const finalId = final.split('/').pop()!;
    await appendFile(path.join(dataDir, parts[1].split('/').pop()!), csv.subarray(csv.length - 10));
    await writeFile(path.join(dataDir, `${finalId}.assembling`), 'half-built');

    const second = await spawnFerry({ dataDir, args: ['--schemas-dir', schemasDir] });
    try {
      const headers = await head(second.url, final);
      assert.deepEqual([headers.get('upload-offset'), headers.get('upload-length')], [String(csv.length), String(csv.length)]);
      assert.deepEqual(Buffer.from(await (await fetch(`${second.url}${final}`)).arrayBuffer()), csv);
      assert.deepEqual(await readFile(path.join(dataDir, finalId)), csv);
      const state = await importState(second.url, final);
      assert.equal(state.status, 'succeeded', JSON.stringify(state));
      assert.equal(state.summary?.rowsImported, 100);
    } finally {
      second.child.kill('SIGTERM');
      await second.exited;
    }
  });
});
