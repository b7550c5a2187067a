import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { MemoryLocker, Server } from '@tus/server';
import * as tus from 'tus-js-client';
import { FerryStore } from '../../src/store/index.js';
import { makeTempDir } from '../support/temp-dir.js';
import { runTusUpload } from '../support/tus-js-client-run.js';
import { headOffset, TUS } from '../support/tus-requests.js';

const MiB = 1024 * 1024;
const FILE_SIZE = 6 * MiB + 12_345;
const CHUNK_SIZE = MiB;

function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/** The upload id: the last segment of the URL the stock server generated. */
function idOf(uploadUrl: string): string {
  return decodeURIComponent(new URL(uploadUrl).pathname.split('/').pop()!);
}

/** What a run of tus-js-client sent: each request's method and each PATCH's Upload-Offset, in order. */
interface SentRequests {
  methods: string[];
  offsets: number[];
}

function recordRequests(sent: SentRequests): Partial<tus.UploadOptions> {
  return {
    onBeforeRequest(request) {
      sent.methods.push(request.getMethod());
      if (request.getMethod() === 'PATCH') sent.offsets.push(Number(request.getHeader('Upload-Offset')));
    },
  };
}

/**
 * A stock @tus/server `Server`, untouched but for its datastore, which is ferry's FerryStore:
 * what a @tus/server user gets by swapping FerryStore in for FileStore.
 */
describe('stock @tus/server with FerryStore as its datastore', () => {
  let store: FerryStore;
  let http: HttpServer;
  let endpoint: string;
  let workDir: string;
  let file: string;
  let source: Buffer;

  before(async () => {
    workDir = await makeTempDir();
    store = new FerryStore({
      directory: path.join(workDir, 'data'),
      expirationMs: 0,
      syncIntervalMs: 1000,
      syncAlways: false,
      queueCapacity: 4,
      coalesceBytes: 64 * 1024,
      idleCloseMs: 60_000,
    });
    // @tus/server's `path` takes no trailing slash: it builds upload URLs as `${path}/${id}`.
    const tusServer = new Server({ path: '/files', datastore: store, locker: new MemoryLocker() });
    http = createServer((request, response) => void tusServer.handle(request, response));
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    endpoint = `http://127.0.0.1:${(http.address() as AddressInfo).port}/files/`;
    source = randomBytes(FILE_SIZE);
    file = path.join(workDir, 'source.bin');
    await writeFile(file, source);
  });

  after(async () => {
    http.closeAllConnections();
    await new Promise<void>((resolve, reject) => http.close((error) => (error ? reject(error) : resolve())));
    await store.shutdown();
  });

  /** The stored data file of upload `id`, found through the DataStore contract (`getUpload`'s storage path). */
  async function storedBytes(id: string): Promise<Buffer> {
    const upload = await store.getUpload(id);
    assert.equal(upload.storage?.type, 'file');
    return readFile(upload.storage!.path);
  }

  it('uploads in chunks, aborts at about 40%, resumes from the server offset, and stores the same bytes', async () => {
    const storage = path.join(workDir, 'urls-resume.json');
    const run = (options: { stopAt?: number; resume?: boolean; sent: SentRequests }) =>
      runTusUpload({
        endpoint,
        file,
        fileSize: FILE_SIZE,
        chunkSize: CHUNK_SIZE,
        storage,
        stopAt: options.stopAt,
        resume: options.resume,
        upload: { metadata: { filename: 'source.bin', filetype: 'application/octet-stream' }, ...recordRequests(options.sent) },
      });

    const firstSent: SentRequests = { methods: [], offsets: [] };
    const first = await run({ stopAt: 0.4, sent: firstSent });
    assert.equal(first.aborted, true);
    assert.equal(firstSent.offsets[0], 0, 'the first run started at the beginning');
    const offsetAtAbort = await headOffset(first.url);
    assert.ok(offsetAtAbort > 0 && offsetAtAbort < FILE_SIZE, `offset at abort ${offsetAtAbort}`);
    assert.equal((await store.getUpload(idOf(first.url))).offset, offsetAtAbort, "HEAD reports the store's offset");

    const secondSent: SentRequests = { methods: [], offsets: [] };
    const second = await run({ resume: true, sent: secondSent });
    assert.equal(second.aborted, false);
    assert.equal(second.url, first.url, 'the same upload resource was resumed, not a new one');
    assert.equal(secondSent.methods.includes('POST'), false, 'the second run created nothing');
    assert.equal(secondSent.offsets[0], offsetAtAbort, "the second run continued from the server's offset");

    const upload = await store.getUpload(idOf(second.url));
    assert.equal(upload.offset, FILE_SIZE);
    assert.equal(upload.size, FILE_SIZE);
    assert.deepEqual(upload.metadata, { filename: 'source.bin', filetype: 'application/octet-stream' });
    assert.equal(sha256(await storedBytes(upload.id)), sha256(source));
  });

  it('terminates an upload: DELETE through tus-js-client, then HEAD is 404 and the store no longer has it', async () => {
    const { url } = await runTusUpload({
      endpoint,
      file,
      fileSize: FILE_SIZE,
      chunkSize: CHUNK_SIZE,
      storage: path.join(workDir, 'urls-terminate.json'),
      stopAt: 0.2,
    });
    const id = idOf(url);
    const dataFile = (await store.getUpload(id)).storage!.path;
    await stat(dataFile);

    await tus.Upload.terminate(url, { retryDelays: [] });

    const head = await fetch(url, { method: 'HEAD', headers: TUS });
    assert.equal(head.status, 404);
    await assert.rejects(store.getUpload(id), (error: unknown) => {
      assert.equal((error as { status_code?: unknown }).status_code, 404);
      return true;
    });
    await assert.rejects(stat(dataFile), { code: 'ENOENT' });
  });

  async function assertStoredWhole(id: string): Promise<void> {
    const upload = await store.getUpload(id);
    assert.equal(upload.sizeIsDeferred, false);
    assert.equal(upload.size, FILE_SIZE);
    assert.equal(upload.offset, FILE_SIZE);
    assert.equal(sha256(await storedBytes(id)), sha256(source));
  }

  it('creation-with-upload: the POST carries the first chunk and the first PATCH continues after it', async () => {
    const sent: SentRequests = { methods: [], offsets: [] };
    const { url } = await runTusUpload({
      endpoint,
      file,
      fileSize: FILE_SIZE,
      chunkSize: 2 * MiB,
      storage: path.join(workDir, 'urls-with-upload.json'),
      upload: { uploadDataDuringCreation: true, ...recordRequests(sent) },
    });
    assert.equal(sent.methods[0], 'POST');
    assert.deepEqual(sent.offsets, [2 * MiB, 4 * MiB, 6 * MiB], 'the POST carried the first 2 MiB');
    await assertStoredWhole(idOf(url));
  });

  // Raw requests: tus-js-client 4 with a Node stream and a deferred length leaves its last PATCH
  // hanging against the stock server, whichever the store (the stock FileStore too).
  it('a deferred length: created with Upload-Defer-Length, declared by the last PATCH', async () => {
    const created = await fetch(endpoint, { method: 'POST', headers: { ...TUS, 'Upload-Defer-Length': '1' } });
    assert.equal(created.status, 201);
    const url = new URL(created.headers.get('location')!, endpoint).href;
    assert.equal((await store.getUpload(idOf(url))).sizeIsDeferred, true);

    const half = Math.floor(FILE_SIZE / 2);
    const patch = (offset: number, body: Buffer, headers: Record<string, string> = {}) =>
      fetch(url, {
        method: 'PATCH',
        headers: { ...TUS, 'Upload-Offset': String(offset), 'Content-Type': 'application/offset+octet-stream', ...headers },
        body: new Uint8Array(body),
      });
    const first = await patch(0, source.subarray(0, half));
    assert.equal(first.status, 204);
    assert.equal(first.headers.get('upload-offset'), String(half));
    const last = await patch(half, source.subarray(half), { 'Upload-Length': String(FILE_SIZE) });
    assert.equal(last.status, 204);
    assert.equal(last.headers.get('upload-offset'), String(FILE_SIZE));
    await assertStoredWhole(idOf(url));
  });
});
