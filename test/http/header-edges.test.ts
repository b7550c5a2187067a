import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import { MAX_METADATA_KEYS } from '../../src/uploads/metadata.js';
import {
  createFinishedUpload,
  createUpload,
  type HttpCase,
  headOffset,
  OCTET,
  patch,
  rawRequest,
  runCase,
  startFerry,
  type TestFerry,
  TUS,
} from './harness.js';

// The disk guard would refuse a declared length beyond the free space (507): these cases are about parsing.
const test: TestFerry = await startFerry({ minFreeBytes: 0 });
const IETF = { 'Upload-Draft-Interop-Version': '8' } as const;
const PARTIAL = { 'Content-Type': 'application/partial-upload' } as const;

/** `count` keys without values: `k0,k1,…`. */
function keys(count: number): string {
  return Array.from({ length: count }, (_, index) => `k${index}`).join(',');
}

/** An upload of length 10 with 1 byte stored. */
async function uploadAtOne(): Promise<string> {
  const uploadPath = await createUpload(test, { 'Upload-Length': '10' });
  assert.equal((await patch(test, uploadPath, 0, Buffer.from('a'))).status, 204);
  return uploadPath;
}

async function uploadCount(): Promise<number> {
  const text = (await test.http().get('/metrics')).text;
  return Number(/^ferry_uploads_created_total (\d+)/m.exec(text)?.[1] ?? 0);
}

/** The case creates no upload (checked through the created counter). */
function createsNothing(): Pick<HttpCase, 'url' | 'then'> {
  let before = 0;
  return {
    url: async () => {
      before = await uploadCount();
      return '/files/';
    },
    then: async () => assert.equal(await uploadCount(), before),
  };
}

describe('Upload-Length and Upload-Offset: `0` or `[1-9][0-9]*`, no sign, no leading zero, within 2^53 - 1', () => {
  const cases: HttpCase[] = [
    { name: 'Upload-Length 0', method: 'POST', url: '/files/', headers: { ...TUS, 'Upload-Length': '0' }, status: 201 },
    { name: 'Upload-Length 10', method: 'POST', url: '/files/', headers: { ...TUS, 'Upload-Length': '10' }, status: 201 },
    { name: 'Upload-Length 2^53 - 1', method: 'POST', url: '/files/', headers: { ...TUS, 'Upload-Length': String(Number.MAX_SAFE_INTEGER) }, status: 201 },
    ...['01', '00', '+1', '-1', '1.0', '1e3', '0x10', '1 0', '9007199254740992', '99999999999999999'].map(
      (value): HttpCase => ({
        name: `Upload-Length ${JSON.stringify(value)}`,
        method: 'POST',
        ...createsNothing(),
        headers: { ...TUS, 'Upload-Length': value },
        status: 400,
        code: 'UPLOAD_LENGTH_INVALID',
      }),
    ),
    ...['01', '001', '+1', '1.0', ' 1 1'].map(
      (value): HttpCase => ({
        name: `PATCH Upload-Offset ${JSON.stringify(value)}`,
        method: 'PATCH',
        url: uploadAtOne,
        headers: { ...TUS, ...OCTET, 'Upload-Offset': value },
        body: 'b',
        status: 400,
        code: 'UPLOAD_OFFSET_INVALID',
        then: async (_response, uploadPath) => assert.equal(await headOffset(test, uploadPath), 1),
      }),
    ),
    {
      name: 'PATCH Upload-Offset 1',
      method: 'PATCH',
      url: uploadAtOne,
      headers: { ...TUS, ...OCTET, 'Upload-Offset': '1' },
      body: 'b',
      status: 204,
      expectHeaders: { 'Upload-Offset': '2' },
    },
    {
      name: 'PATCH declaring a deferred Upload-Length 03',
      method: 'PATCH',
      url: () => createUpload(test, { 'Upload-Defer-Length': '1' }),
      headers: { ...TUS, ...OCTET, 'Upload-Offset': '0', 'Upload-Length': '03' },
      body: 'abc',
      status: 400,
      code: 'UPLOAD_LENGTH_INVALID',
      then: async (_response, uploadPath) => {
        const head = await test.http().head(uploadPath).set(TUS);
        assert.equal(head.headers['upload-defer-length'], '1');
        assert.equal(head.headers['upload-offset'], '0');
      },
    },
    {
      name: 'DELETE with Upload-Offset 01 is refused and terminates nothing',
      method: 'DELETE',
      url: () => createUpload(test, { 'Upload-Length': '3' }),
      headers: { ...TUS, 'Upload-Offset': '01' },
      status: 400,
      code: 'UPLOAD_OFFSET_INVALID',
      then: async (_response, uploadPath) => assert.equal(await headOffset(test, uploadPath), 0),
    },
  ];
  for (const testCase of cases) it(testCase.name, () => runCase(test, testCase));

  it('IETF requests keep RFC 9651 Integer Items, where a leading zero is allowed: Upload-Offset 003 is 3', async () => {
    const created = await test
      .http()
      .post('/files/')
      .set({ ...IETF, 'Upload-Complete': '?0', 'Upload-Length': '06' })
      .send('abc');
    assert.equal(created.status, 201, created.text);
    const location = created.headers.location as string;
    const appended = await test
      .http()
      .patch(location)
      .set({ ...IETF, ...PARTIAL, 'Upload-Offset': '003', 'Upload-Complete': '?1' })
      .send('def');
    assert.equal(appended.status, 201, appended.text);
    assert.equal(appended.headers['upload-offset'], '6');
    assert.equal(await readFile(path.join(test.config.dataDir, path.basename(location)), 'utf8'), 'abcdef');
  });
});

describe(`Upload-Metadata: at most ${MAX_METADATA_KEYS} keys, none empty, pairs exactly as the spec writes them`, () => {
  const invalid = (name: string, value: string): HttpCase => ({
    name,
    method: 'POST',
    ...createsNothing(),
    headers: { ...TUS, 'Upload-Length': '1', 'Upload-Metadata': value },
    status: 400,
    code: 'UPLOAD_METADATA_INVALID',
  });
  const cases: HttpCase[] = [
    {
      name: `${MAX_METADATA_KEYS} keys are accepted`,
      method: 'POST',
      url: '/files/',
      headers: { ...TUS, 'Upload-Length': '1', 'Upload-Metadata': keys(MAX_METADATA_KEYS) },
      status: 201,
    },
    {
      ...invalid(`${MAX_METADATA_KEYS + 1} keys are refused, the message naming the cap`, keys(MAX_METADATA_KEYS + 1)),
      then: (response) => assert.match(JSON.parse(response.text).error.message, new RegExp(`at most ${MAX_METADATA_KEYS}`)),
    },
    invalid('2,000 keys are refused', keys(2000)),
    {
      ...invalid('a pair after ", " is an empty key and a value: "filename YQ==, YQ=="', 'filename YQ==, YQ=='),
      then: (response) => assert.match(JSON.parse(response.text).error.message, /empty key/),
    },
    invalid('a space after the comma: "filename YQ==, other YQ=="', 'filename YQ==, other YQ=='),
    invalid('a leading comma (an empty pair)', ',filename YQ=='),
    invalid('a trailing comma (an empty pair)', 'filename YQ==,'),
    invalid('two commas in a row', 'a YQ==,,b YQ=='),
    invalid('two spaces between key and value', 'filename  YQ=='),
    invalid('a key that is not ASCII', 'fil\u00e9name YQ=='),
    {
      name: 'a key named __proto__ is an ordinary key, returned by HEAD',
      method: 'POST',
      url: '/files/',
      headers: { ...TUS, 'Upload-Length': '1', 'Upload-Metadata': '__proto__ YQ==,filename Yg==' },
      status: 201,
      then: async (response) => {
        const head = await test
          .http()
          .head(response.headers.location as string)
          .set(TUS);
        assert.equal(head.headers['upload-metadata'], '__proto__ YQ==,filename Yg==');
      },
    },
  ];
  for (const testCase of cases) it(testCase.name, () => runCase(test, testCase));

  for (const [name, value] of [
    ['too many keys', keys(MAX_METADATA_KEYS + 1)],
    ['an empty key', 'filename YQ==, YQ=='],
  ]) {
    it(`an IETF creation with ${name} is 400 UPLOAD_METADATA_INVALID`, async () => {
      const before = await uploadCount();
      const response = await test
        .http()
        .post('/files/')
        .set({ ...IETF, 'Upload-Complete': '?1', 'Upload-Metadata': value })
        .send('abc');
      assert.equal(response.status, 400, response.text);
      assert.equal(JSON.parse(response.text).error.code, 'UPLOAD_METADATA_INVALID');
      assert.equal(response.headers['upload-complete'], '?0');
      assert.equal(await uploadCount(), before);
    });
  }
});

describe('X-HTTP-Method-Override is honoured on POST only: any other method is served as itself', () => {
  it('GET with X-HTTP-Method-Override: DELETE downloads the upload and leaves it intact', async () => {
    const uploadPath = await createFinishedUpload(test, Buffer.from('keep me'));
    const response = await rawRequest(test.baseUrl, 'GET', uploadPath, { ...TUS, 'X-HTTP-Method-Override': 'DELETE' });
    assert.equal(response.status, 200);
    assert.equal(response.body.toString(), 'keep me');
    assert.equal(await headOffset(test, uploadPath), 7);
    assert.equal(await readFile(path.join(test.config.dataDir, path.basename(uploadPath)), 'utf8'), 'keep me');
  });

  it('GET with X-HTTP-Method-Override: DELETE on an unfinished upload is the GET (409) and deletes nothing', async () => {
    const uploadPath = await uploadAtOne();
    const response = await test
      .http()
      .get(uploadPath)
      .set({ ...TUS, 'X-HTTP-Method-Override': 'DELETE' });
    assert.equal(response.status, 409);
    assert.equal(JSON.parse(response.text).error.code, 'UPLOAD_NOT_FINISHED');
    assert.equal(await headOffset(test, uploadPath), 1);
  });

  it('GET with X-HTTP-Method-Override: PATCH writes nothing', async () => {
    const uploadPath = await uploadAtOne();
    const response = await test
      .http()
      .get(uploadPath)
      .set({ ...TUS, ...OCTET, 'Upload-Offset': '1', 'X-HTTP-Method-Override': 'PATCH' });
    assert.equal(response.status, 409);
    assert.equal(await headOffset(test, uploadPath), 1);
  });

  for (const method of ['HEAD', 'PATCH', 'OPTIONS'] as const) {
    it(`${method} with X-HTTP-Method-Override: DELETE is served as a ${method}; the upload stays`, async () => {
      const uploadPath = await uploadAtOne();
      const agent = test.http()[method.toLowerCase() as 'head' | 'patch' | 'options'](uploadPath);
      const headers = { ...TUS, ...OCTET, 'Upload-Offset': '1', 'X-HTTP-Method-Override': 'DELETE' };
      const response = method === 'PATCH' ? await agent.set(headers).send('b') : await agent.set(headers);
      assert.equal(response.status, method === 'HEAD' ? 200 : 204);
      assert.equal(await headOffset(test, uploadPath), method === 'PATCH' ? 2 : 1);
    });
  }

  it('the access log records the method served', async () => {
    const uploadPath = await createFinishedUpload(test, Buffer.from('abc'));
    await test.http().get(uploadPath).set({ 'X-HTTP-Method-Override': 'DELETE' }).expect(200);
    const methods = test.logs.filter((entry) => entry.uploadId === path.basename(uploadPath)).map((entry) => entry.method);
    assert.deepEqual(methods, ['POST', 'PATCH', 'GET']);
  });
});
