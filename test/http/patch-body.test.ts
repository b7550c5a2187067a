import assert from 'node:assert/strict';
import { stat } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import path from 'node:path';
import { describe, it } from 'node:test';
import { ANONYMOUS } from '../../src/auth/principal.js';
import type { Upload } from '../../src/uploads/upload.js';
import { waitFor } from '../support/tus-requests.js';
import { askForLock, createUpload, headOffset, OCTET, patch, patchHandlerWithOwnLocker, rawRequest, startFerry, TUS } from './harness.js';

const finished: Upload[] = [];
const test = await startFerry({}, { onUploadFinished: (upload) => void finished.push(upload) });
const KiB = 1024;
const dataFileSize = async (uploadPath: string) => (await stat(path.join(test.config.dataDir, path.basename(uploadPath)))).size;

describe('PATCH bodies', () => {
  it('a client that disconnects mid-PATCH keeps the bytes that arrived; the upload can then be finished', async () => {
    const total = 1024 * KiB;
    const content = Buffer.alloc(total, 7).fill(9, 256 * KiB);
    const uploadPath = await createUpload(test, { 'Upload-Length': String(total) });
    const { hostname, port } = new URL(test.baseUrl);
    const request = httpRequest({
      hostname,
      port,
      method: 'PATCH',
      path: uploadPath,
      headers: { ...TUS, ...OCTET, 'Upload-Offset': '0', 'Content-Length': String(total) },
    });
    request.on('error', () => undefined); // the socket is destroyed on purpose
    await new Promise<void>((resolve, reject) => request.write(content.subarray(0, 256 * KiB), (error) => (error ? reject(error) : resolve())));
    request.destroy();

    await waitFor('HEAD to report the bytes that arrived', async () => (await headOffset(test, uploadPath)) === 256 * KiB);
    assert.equal(await dataFileSize(uploadPath), 256 * KiB);
    const rest = await patch(test, uploadPath, 256 * KiB, content.subarray(256 * KiB));
    assert.equal(rest.status, 204);
    assert.equal(rest.headers['upload-offset'], String(total));
    const download = await fetch(`${test.baseUrl}${uploadPath}`);
    assert.ok(Buffer.from(await download.arrayBuffer()).equals(content));
  });

  it('a chunked body longer than the upload is stored up to its length, refused with 413, and the upload is finished', async () => {
    const uploadPath = await createUpload(test, { 'Upload-Length': '4' });
    const response = await rawRequest(
      test.baseUrl,
      'PATCH',
      uploadPath,
      { ...TUS, ...OCTET, 'Upload-Offset': '0', 'Transfer-Encoding': 'chunked' },
      Buffer.from('0123456789'),
    );
    assert.equal(response.status, 413);
    assert.equal(JSON.parse(response.body.toString()).error.code, 'UPLOAD_LENGTH_EXCEEDED');
    assert.equal(await headOffset(test, uploadPath), 4);
    assert.equal(await dataFileSize(uploadPath), 4);
    assert.ok(
      finished.some((upload) => upload.id === path.basename(uploadPath)),
      'the finish callback ran',
    );
  });

  it('a chunked body within the length is stored whole', async () => {
    const uploadPath = await createUpload(test, { 'Upload-Length': '10' });
    const response = await rawRequest(
      test.baseUrl,
      'PATCH',
      uploadPath,
      { ...TUS, ...OCTET, 'Upload-Offset': '0', 'Transfer-Encoding': 'chunked' },
      Buffer.from('0123456789'),
    );
    assert.equal(response.status, 204);
    assert.equal(response.headers['upload-offset'], '10');
  });

  it('without a Node request (app.request), the web body is read', async () => {
    const uploadPath = await createUpload(test, { 'Upload-Length': '5' });
    const response = await test.ferry.app.request(uploadPath, {
      method: 'PATCH',
      headers: { ...TUS, ...OCTET, 'Upload-Offset': '0' },
      body: 'hello',
    });
    assert.equal(response.status, 204);
    assert.equal(response.headers.get('upload-offset'), '5');
  });

  it('a PATCH whose client stalls gives up its lock to the next request and keeps what arrived', async () => {
    const uploadPath = await createUpload(test, { 'Upload-Length': '100' });
    const id = path.basename(uploadPath);
    const { handlePatch, locker } = patchHandlerWithOwnLocker(test);
    let received = 0;
    async function* stalledClient(): AsyncGenerator<Uint8Array> {
      yield Buffer.from('first bytes');
      await new Promise(() => undefined); // the client never sends more, nor closes
    }
    const pending = handlePatch({
      headers: new Headers({ ...TUS, ...OCTET, 'Upload-Offset': '0' }),
      signal: new AbortController().signal,
      principal: ANONYMOUS,
      id,
      body: stalledClient(),
      onBytesReceived: (bytes) => {
        received += bytes;
      },
    });
    await waitFor('the first bytes to be read', () => received > 0);
    await askForLock(locker, id);
    const response = await pending;
    assert.equal(response.status, 204);
    assert.equal(response.headers.get('upload-offset'), String('first bytes'.length));
    assert.equal(await headOffset(test, uploadPath), 'first bytes'.length);
  });
});
