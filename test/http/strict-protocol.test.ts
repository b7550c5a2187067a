import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import { createFinishedUpload, createUpload, headOffset, OCTET, startFerry, type TestFerry, TUS } from './harness.js';

// tus 1.0.0's MUST sentences that @tus/server and tusd miss, one test each.
const test: TestFerry = await startFerry();

/** Base64 of bytes that are not UTF-8: decoding them as text and encoding again changes them. */
const NOT_UTF8 = Buffer.from([0xff, 0xfe, 0x00, 0x80, 0xc3]).toString('base64');

describe('Tus-Resumable: if the version is not supported, the Server MUST respond with 412 and include Tus-Version', () => {
  for (const method of ['POST', 'HEAD', 'PATCH', 'DELETE'] as const) {
    for (const [what, version] of [
      ['missing', undefined],
      ['unsupported', '0.2.2'],
    ] as const) {
      it(`${method} with a ${what} Tus-Resumable is 412 and is not processed`, async () => {
        const uploadPath = await createUpload(test, { 'Upload-Length': '3' });
        const headers: Record<string, string> = { ...OCTET, 'Upload-Offset': '0', 'Upload-Length': '3' };
        if (version !== undefined) headers['Tus-Resumable'] = version;
        const url = method === 'POST' ? '/files/' : uploadPath;
        const agent = test.http()[method === 'HEAD' ? 'head' : (method.toLowerCase() as 'post' | 'patch' | 'delete')](url).set(headers);
        const response = method === 'PATCH' ? await agent.send('abc') : await agent;
        assert.equal(response.status, 412);
        assert.equal(response.headers['tus-version'], '1.0.0');
        if (method !== 'HEAD') assert.equal(JSON.parse(response.text).error.code, 'TUS_VERSION_UNSUPPORTED');
        // Not processed: the upload is still there, with nothing written.
        assert.equal(await headOffset(test, uploadPath), 0);
      });
    }
  }

  it('OPTIONS and GET need no Tus-Resumable', async () => {
    assert.equal((await test.http().options('/files/')).status, 204);
    const finished = await createFinishedUpload(test, Buffer.from('abc'));
    assert.equal((await test.http().get(finished)).status, 200);
  });
});

describe('PATCH: all PATCH requests MUST use Content-Type: application/offset+octet-stream, otherwise 415', () => {
  for (const contentType of ['application/octet-stream', 'text/plain', 'application/offset+octet-streamx']) {
    it(`PATCH with Content-Type ${contentType} is 415 and stores nothing`, async () => {
      const uploadPath = await createUpload(test, { 'Upload-Length': '3' });
      const response = await test
        .http()
        .patch(uploadPath)
        .set({ ...TUS, 'Content-Type': contentType, 'Upload-Offset': '0' })
        .send('abc');
      assert.equal(response.status, 415);
      assert.equal(JSON.parse(response.text).error.code, 'UPLOAD_CONTENT_TYPE_INVALID');
      assert.equal(await headOffset(test, uploadPath), 0);
    });
  }

  it('PATCH without a Content-Type is 415', async () => {
    const uploadPath = await createUpload(test, { 'Upload-Length': '3' });
    const response = await test
      .http()
      .patch(uploadPath)
      .set({ ...TUS, 'Upload-Offset': '0' });
    assert.equal(response.status, 415);
  });
});

describe('X-HTTP-Method-Override: the Server MUST use its value as the request method (of a POST: see header-edges.test.ts)', () => {
  it('POST overridden as PATCH appends', async () => {
    const uploadPath = await createUpload(test, { 'Upload-Length': '3' });
    const response = await test
      .http()
      .post(uploadPath)
      .set({ ...TUS, ...OCTET, 'Upload-Offset': '0', 'X-HTTP-Method-Override': 'PATCH' })
      .send('abc');
    assert.equal(response.status, 204);
    assert.equal(response.headers['upload-offset'], '3');
    assert.equal(await readFile(path.join(test.config.dataDir, path.basename(uploadPath)), 'utf8'), 'abc');
  });

  it('POST overridden as DELETE terminates', async () => {
    const uploadPath = await createUpload(test, { 'Upload-Length': '3' });
    const response = await test
      .http()
      .post(uploadPath)
      .set({ ...TUS, 'X-HTTP-Method-Override': 'DELETE' });
    assert.equal(response.status, 204);
    assert.equal((await test.http().head(uploadPath).set(TUS)).status, 404);
  });

  it('POST overridden as HEAD reports the offset, without a body', async () => {
    const uploadPath = await createUpload(test, { 'Upload-Length': '3' });
    const response = await test
      .http()
      .post(uploadPath)
      .set({ ...TUS, 'X-HTTP-Method-Override': 'head' });
    assert.equal(response.status, 200);
    assert.equal(response.headers['upload-offset'], '0');
    assert.equal(response.headers['cache-control'], 'no-store');
    assert.equal(response.text ?? '', '');
  });

  it('POST overridden as OPTIONS discovers', async () => {
    const response = await test.http().post('/files/').set({ 'X-HTTP-Method-Override': 'OPTIONS' });
    assert.equal(response.status, 204);
    assert.equal(response.headers['tus-version'], '1.0.0');
  });

  it('a GET is never overridden: with X-HTTP-Method-Override: HEAD it is the GET of an unfinished upload (409)', async () => {
    const uploadPath = await createUpload(test, { 'Upload-Length': '3' });
    const response = await test
      .http()
      .get(uploadPath)
      .set({ ...TUS, 'X-HTTP-Method-Override': 'HEAD' });
    assert.equal(response.status, 409);
    assert.equal(JSON.parse(response.text).error.code, 'UPLOAD_NOT_FINISHED');
  });

  it('the overriding method is the one checked: POST to the collection overridden as PATCH is 405', async () => {
    const response = await test
      .http()
      .post('/files/')
      .set({ ...TUS, 'Upload-Length': '1', 'X-HTTP-Method-Override': 'PATCH' });
    assert.equal(response.status, 405);
    assert.equal(JSON.parse(response.text).error.code, 'HTTP_METHOD_NOT_ALLOWED');
  });

  it('the access log records the method the request stands for', async () => {
    const uploadPath = await createUpload(test, { 'Upload-Length': '3' });
    await test
      .http()
      .post(uploadPath)
      .set({ ...TUS, 'X-HTTP-Method-Override': 'DELETE' })
      .expect(204);
    const entries = test.logs.filter((entry) => entry.uploadId === path.basename(uploadPath));
    assert.deepEqual(
      entries.map((entry) => entry.method),
      ['POST', 'DELETE'],
    );
  });
});

describe('Upload-Metadata: values are Base64-encoded bytes, returned byte-exact', () => {
  it('HEAD returns a value that is not UTF-8 exactly as it was sent', async () => {
    const sent = `name ${NOT_UTF8},flag,filename ${Buffer.from('naïve ☃.csv').toString('base64')}`;
    const uploadPath = await createUpload(test, { 'Upload-Length': '1', 'Upload-Metadata': sent });
    const head = await test.http().head(uploadPath).set(TUS);
    assert.equal(head.headers['upload-metadata'], sent);
  });

  it('the bytes survive a restart: they are stored as sent', async () => {
    const uploadPath = await createUpload(test, { 'Upload-Length': '1', 'Upload-Metadata': `blob ${NOT_UTF8}` });
    const info = JSON.parse(await readFile(path.join(test.config.dataDir, `${path.basename(uploadPath)}.json`), 'utf8'));
    assert.deepEqual(info.encodedMetadata, { blob: NOT_UTF8 });
  });

  it('text values still reach ferry decoded: the download is named by its filename', async () => {
    const uploadPath = await createFinishedUpload(test, Buffer.from('abc'), { filename: 'report.txt' });
    const download = await test.http().get(uploadPath);
    assert.match(download.headers['content-disposition'] as string, /report\.txt/);
  });

  for (const [what, header] of [
    ['a value with bad Base64 padding', 'name YQ='],
    ['a value with characters outside Base64', 'name YQ-='],
    ['a key with a non-ASCII character', 'nämé YQ=='],
    ['three tokens in a pair', 'name YQ== x'],
    ['an empty pair', 'a YQ==,,b YQ=='],
  ] as const) {
    it(`${what} is 400 UPLOAD_METADATA_INVALID`, async () => {
      const response = await test
        .http()
        .post('/files/')
        .set({ ...TUS, 'Upload-Length': '1', 'Upload-Metadata': header });
      assert.equal(response.status, 400);
      assert.equal(JSON.parse(response.text).error.code, 'UPLOAD_METADATA_INVALID');
    });
  }
});
