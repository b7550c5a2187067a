import assert from 'node:assert/strict';
import { readdir, stat } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import path from 'node:path';
import { describe, it } from 'node:test';
import { ANONYMOUS } from '../../src/auth/principal.js';
import { createPostHandler } from '../../src/protocols/tus/post-handler.js';
import type { Upload } from '../../src/uploads/upload.js';
import { waitFor } from '../support/tus-requests.js';
import { askForLock, engineWithOwnLocker, headOffset, OCTET, rawRequest, startFerry, type TestFerry, TUS } from './harness.js';

const finished: Upload[] = [];
const announced: Upload[] = [];
const test = await startFerry({}, { onUploadFinished: (upload) => void finished.push(upload) });
test.ferry.events.on('finished', (upload) => void announced.push(upload));

const KiB = 1024;
const idOf = (location: string) => path.basename(location);
const ids = async () => new Set((await readdir(test.config.dataDir)).filter((name) => !name.endsWith('.json')));
const dataFileSize = async (id: string) => (await stat(path.join(test.config.dataDir, id))).size;
const counter = async (name: 'uploadsCreated' | 'uploadsFinished') => (await test.ferry.metrics[name].get()).values[0]?.value ?? 0;

/** How often the finish callback ran for `id`, and how often the engine's `finished` event announced it (once, even when the response is an error). */
function finishCount(id: string): { callback: number; event: number } {
  return {
    callback: finished.filter((upload) => upload.id === id).length,
    event: announced.filter((upload) => upload.id === id).length,
  };
}

/** The one upload created since `before` (the client never learnt its Location). */
async function newUploadSince(before: Set<string>): Promise<string> {
  const created = [...(await ids())].filter((id) => !before.has(id));
  assert.equal(created.length, 1, 'one upload created');
  return created[0];
}

async function post(target: TestFerry, headers: Record<string, string>, body?: string | Buffer) {
  const pending = target
    .http()
    .post('/files/')
    .set({ ...TUS, ...headers });
  return body === undefined ? pending : pending.send(body);
}

describe('POST (creation, creation-with-upload)', () => {
  it('a body that completes the upload runs the finish path once, and the upload reads back whole', async () => {
    const [createdBefore, finishedBefore] = [await counter('uploadsCreated'), await counter('uploadsFinished')];
    const response = await post(test, { ...OCTET, 'Upload-Length': '11' }, 'hello world');
    assert.equal(response.status, 201);
    assert.equal(response.headers['upload-offset'], '11');
    const id = idOf(response.headers.location as string);
    assert.deepEqual(finishCount(id), { callback: 1, event: 1 });
    assert.equal(await counter('uploadsCreated'), createdBefore + 1);
    assert.equal(await counter('uploadsFinished'), finishedBefore + 1);
    assert.equal(await (await fetch(`${test.baseUrl}/files/${id}`)).text(), 'hello world');
  });

  it('Upload-Length: 0 is finished at creation, once', async () => {
    const finishedBefore = await counter('uploadsFinished');
    const response = await post(test, { 'Upload-Length': '0' });
    assert.equal(response.status, 201);
    const id = idOf(response.headers.location as string);
    assert.deepEqual(finishCount(id), { callback: 1, event: 1 });
    assert.equal(await counter('uploadsFinished'), finishedBefore + 1);
    assert.equal(await headOffset(test, `/files/${id}`), 0);
  });

  it('Upload-Length: 0 with the upload Content-Type and no body is finished once too', async () => {
    const response = await post(test, { ...OCTET, 'Upload-Length': '0' });
    assert.equal(response.status, 201);
    assert.equal(response.headers['upload-offset'], '0');
    assert.deepEqual(finishCount(idOf(response.headers.location as string)), { callback: 1, event: 1 });
  });

  it('a body that does not complete the upload finishes nothing', async () => {
    const finishedBefore = await counter('uploadsFinished');
    const response = await post(test, { ...OCTET, 'Upload-Length': '100' }, 'hello');
    assert.equal(response.status, 201);
    assert.deepEqual(finishCount(idOf(response.headers.location as string)), { callback: 0, event: 0 });
    assert.equal(await counter('uploadsFinished'), finishedBefore);
  });

  it('a chunked body beyond Upload-Length: 413, stored up to the length, the upload finished once', async () => {
    const before = await ids();
    const response = await rawRequest(
      test.baseUrl,
      'POST',
      '/files/',
      { ...TUS, ...OCTET, 'Upload-Length': '4', 'Transfer-Encoding': 'chunked' },
      Buffer.from('0123456789'),
    );
    assert.equal(response.status, 413);
    assert.equal(response.headers['content-type'], 'application/json');
    assert.equal(JSON.parse(response.body.toString()).error.code, 'UPLOAD_LENGTH_EXCEEDED');
    const id = await newUploadSince(before);
    assert.equal(await dataFileSize(id), 4);
    assert.equal(await headOffset(test, `/files/${id}`), 4);
    assert.deepEqual(finishCount(id), { callback: 1, event: 1 });
  });

  it('a client that disconnects mid-POST keeps the bytes that arrived', async () => {
    const before = await ids();
    const { hostname, port } = new URL(test.baseUrl);
    const request = httpRequest({
      hostname,
      port,
      method: 'POST',
      path: '/files/',
      headers: { ...TUS, ...OCTET, 'Upload-Length': String(1024 * KiB), 'Content-Length': String(1024 * KiB) },
    });
    request.on('error', () => undefined); // the socket is destroyed on purpose
    await new Promise<void>((resolve, reject) => request.write(Buffer.alloc(256 * KiB, 7), (error) => (error ? reject(error) : resolve())));
    let id: string | undefined;
    await waitFor('the upload to be created', async () => {
      id = [...(await ids())].find((candidate) => !before.has(candidate));
      return id !== undefined;
    });
    // The write callback means the kernel took the bytes, not that ferry read them: wait until they are stored.
    await waitFor('the bytes sent to be stored', async () => (await dataFileSize(id!)) === 256 * KiB);
    request.destroy();
    await waitFor('HEAD to report the bytes that arrived', async () => (await headOffset(test, `/files/${id}`)) === 256 * KiB);
    assert.equal(await dataFileSize(id!), 256 * KiB);
  });

  it('without a Node request (app.request), the web body is read', async () => {
    const response = await test.ferry.app.request('/files/', { method: 'POST', headers: { ...TUS, ...OCTET, 'Upload-Length': '5' }, body: 'hello' });
    assert.equal(response.status, 201);
    assert.equal(response.headers.get('upload-offset'), '5');
    assert.equal(await headOffset(test, response.headers.get('location')!), 5);
  });

  it('the access log line has the new upload id and the body bytes', async () => {
    const response = await post(test, { ...OCTET, 'Upload-Length': '10', 'X-Request-Id': 'post-body-1' }, 'hello');
    assert.equal(response.status, 201);
    const [line] = test.logs.filter((candidate) => candidate.requestId === 'post-body-1');
    assert.equal(line.uploadId, idOf(response.headers.location as string));
    assert.equal(line.bytesIn, 5);
    assert.equal(line.route, '/files/');
  });

  it('holds the upload lock while appending; a stalled client gives it up to the next request and keeps what arrived', async () => {
    const { engine, locker } = engineWithOwnLocker(test);
    const handlePost = createPostHandler(engine, { maxSize: 0, publicUrl: '' });
    let id: string | undefined;
    let received = 0;
    async function* stalledClient(): AsyncGenerator<Uint8Array> {
      yield Buffer.from('first bytes');
      await new Promise(() => undefined); // the client never sends more, nor closes
    }
    const pending = handlePost({
      headers: new Headers({ ...TUS, ...OCTET, 'Upload-Length': '100' }),
      signal: new AbortController().signal,
      principal: ANONYMOUS,
      id: undefined,
      body: stalledClient(),
      onBytesReceived: (bytes) => {
        received += bytes;
      },
      onUploadCreated: (created) => {
        id = created;
      },
    });
    await waitFor('the first bytes to be read', () => received > 0);
    await askForLock(locker, id!);
    const response = await pending;
    assert.equal(response.status, 201);
    assert.equal(response.headers.get('location'), `/files/${id}`);
    assert.equal(response.headers.get('upload-offset'), String('first bytes'.length));
    assert.equal(await headOffset(test, `/files/${id}`), 'first bytes'.length);
  });
});
