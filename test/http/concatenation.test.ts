import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Upload } from '../../src/uploads/upload.js';
import { peopleCsv, peopleSchema, sqliteRows, waitForImport, writeSchemasDir } from '../imports/harness.js';
import { createFinishedUpload, createUpload, type HttpCase, headOffset, metadataHeader, OCTET, patch, runCase, startFerry, TUS } from './harness.js';

const ferry = await startFerry({ schemasDir: await writeSchemasDir([peopleSchema()]) });
const PARTIAL = { 'Upload-Concat': 'partial' } as const;
const UNKNOWN = '/files/0123456789abcdef0123456789abcdef';
const idOf = (path: string) => path.split('/').pop()!;

/** A partial upload holding `content` (finished), or only its first `sent` bytes. */
async function partial(content: string, sent = content.length, metadata?: Record<string, string>): Promise<string> {
  const headers: Record<string, string> = { ...PARTIAL, 'Upload-Length': String(Buffer.byteLength(content)) };
  if (metadata !== undefined) headers['Upload-Metadata'] = metadataHeader(metadata);
  const path = await createUpload(ferry, headers);
  if (sent > 0) assert.equal((await patch(ferry, path, 0, Buffer.from(content).subarray(0, sent))).status, 204);
  return path;
}

async function createFinal(urls: string[], headers: Record<string, string> = {}): Promise<string> {
  return createUpload(ferry, { 'Upload-Concat': `final;${urls.join(' ')}`, ...headers });
}

async function download(path: string): Promise<{ status: number; text: string }> {
  const response = await ferry
    .http()
    .get(path)
    .buffer(true)
    .parse((res, done) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => done(null, Buffer.concat(chunks).toString('utf8')));
    });
  return { status: response.status, text: response.body as string };
}

/** The tus headers HEAD reports for an upload (no date or request id). */
const uploadState = (headers: Record<string, string>) => Object.fromEntries(Object.entries(headers).filter(([name]) => name.startsWith('upload-')));

async function head(path: string) {
  const response = await ferry.http().head(path).set(TUS);
  assert.equal(response.status, 200);
  return response.headers;
}

describe('concatenation: protocol rules', () => {
  const host = () => new URL(ferry.baseUrl).host;
  // biome-ignore format: one case per line
  const cases: HttpCase[] = [
    { name: 'If the Server supports this extension, it MUST add concatenation (and concatenation-unfinished) to the Tus-Extension header',
      method: 'OPTIONS', url: '/files/', headers: TUS, status: 204, expectHeaders: { 'Tus-Extension': /(^|,)concatenation,concatenation-unfinished(,|$)/ } },
    { name: 'a partial upload is created with Upload-Concat: partial', method: 'POST', url: '/files/', headers: { ...TUS, ...PARTIAL, 'Upload-Length': '5' }, status: 201 },
    { name: 'The Client MUST NOT include the Upload-Length header in the final upload creation (400)', method: 'POST', url: '/files/',
      headers: { ...TUS, 'Upload-Length': '5', 'Upload-Concat': 'final;/files/0123456789abcdef0123456789abcdef' }, status: 400, code: 'UPLOAD_LENGTH_INVALID' },
    { name: 'a final upload with Upload-Defer-Length is refused (400)', method: 'POST', url: '/files/',
      headers: { ...TUS, 'Upload-Defer-Length': '1', 'Upload-Concat': 'final;/files/0123456789abcdef0123456789abcdef' }, status: 400, code: 'UPLOAD_LENGTH_INVALID' },
    { name: 'a final upload naming an unknown upload is 404', method: 'POST', url: '/files/', headers: { ...TUS, 'Upload-Concat': `final;${UNKNOWN}` },
      status: 404, code: 'UPLOAD_CONCAT_PART_NOT_FOUND' },
    { name: 'a final upload naming no upload is 400', method: 'POST', url: '/files/', headers: { ...TUS, 'Upload-Concat': 'final; ' }, status: 400, code: 'UPLOAD_CONCAT_INVALID' },
    { name: 'an Upload-Concat neither partial nor final is 400', method: 'POST', url: '/files/', headers: { ...TUS, 'Upload-Concat': 'partial;x', 'Upload-Length': '1' },
      status: 400, code: 'UPLOAD_CONCAT_INVALID' },
    { name: 'a URL on another host is 400', method: 'POST', url: '/files/', headers: { ...TUS, 'Upload-Concat': `final;http://elsewhere.example${UNKNOWN}` },
      status: 400, code: 'UPLOAD_CONCAT_INVALID' },
    { name: 'a URL outside the tus path is 400', method: 'POST', url: '/files/', headers: { ...TUS, 'Upload-Concat': 'final;/imports/0123456789abcdef0123456789abcdef' },
      status: 400, code: 'UPLOAD_CONCAT_INVALID' },
  ];
  for (const testCase of cases) test(testCase.name, () => runCase(ferry, testCase));

  test('a final upload naming an upload that is not partial is 400', async () => {
    const whole = await createFinishedUpload(ferry, Buffer.from('whole'));
    const a = await partial('abc');
    const final = await createFinal([a]);
    for (const named of [whole, final]) {
      const response = await ferry
        .http()
        .post('/files/')
        .set({ ...TUS, 'Upload-Concat': `final;http://${host()}${named}` });
      assert.equal(response.status, 400);
      assert.equal(response.body.error.code, 'UPLOAD_CONCAT_NOT_PARTIAL');
    }
  });
});

describe('concatenation of finished partial uploads', () => {
  test('Response to HEAD request against partial upload MUST include Upload-Concat, and the Upload-Offset header', async () => {
    const path = await partial('hello', 2);
    const headers = await head(path);
    assert.equal(headers['upload-concat'], 'partial');
    assert.equal(headers['upload-offset'], '2');
    assert.equal(headers['upload-length'], '5');
  });

  test('The length of the final upload MUST be the sum of the length of all partial uploads; HEAD echoes Upload-Concat as received', async () => {
    const a = await partial('hello');
    const b = await partial(' world');
    const value = `final;${a} http://${new URL(ferry.baseUrl).host}${b}`;
    const response = await ferry
      .http()
      .post('/files/')
      .set({ ...TUS, 'Upload-Concat': value });
    assert.equal(response.status, 201, response.text);
    assert.equal(response.headers['upload-expires'], undefined, 'a complete upload does not expire');
    const final = response.headers.location as string;
    const headers = await head(final);
    assert.equal(headers['upload-concat'], value);
    // After successful concatenation, the Upload-Offset and Upload-Length MUST be set and their values MUST be equal.
    assert.equal(headers['upload-length'], '11');
    assert.equal(headers['upload-offset'], '11');
    assert.deepEqual(await download(final), { status: 200, text: 'hello world' });
  });

  test('The partial uploads MUST be concatenated as per the order specified in the list; one MAY be present multiple times', async () => {
    const a = await partial('ab');
    const b = await partial('CD');
    const final = await createFinal([b, a, b]);
    assert.deepEqual(await download(final), { status: 200, text: 'CDabCD' });
    // A partial upload MAY be used in multiple upload creation requests.
    assert.deepEqual(await download(await createFinal([a, a])), { status: 200, text: 'abab' });
  });

  test('partial uploads of length 0 make an empty final upload, complete at once', async () => {
    const empty = await createUpload(ferry, { ...PARTIAL, 'Upload-Length': '0' });
    const final = await createFinal([empty, empty]);
    const headers = await head(final);
    assert.deepEqual([headers['upload-offset'], headers['upload-length']], ['0', '0']);
    assert.deepEqual(await download(final), { status: 200, text: '' });
  });

  test("the partial uploads' metadata SHALL NOT be transferred to the new final upload; its own is kept", async () => {
    const a = await partial('x', 1, { filename: 'part.bin' });
    const final = await createFinal([a], { 'Upload-Metadata': metadataHeader({ filename: 'whole.txt' }) });
    assert.equal((await head(final))['upload-metadata'], metadataHeader({ filename: 'whole.txt' }));
    const bare = await createFinal([a]);
    assert.equal((await head(bare))['upload-metadata'], undefined);
  });

  test('The Server MUST respond with 403 Forbidden to PATCH requests against a final upload URL and MUST NOT modify the final or its partial uploads', async () => {
    const a = await partial('abc');
    const b = await partial('def', 1);
    for (const final of [await createFinal([a]), await createFinal([a, b])]) {
      const before = uploadState(await head(final));
      for (const offset of [0, 3, 6]) {
        const response = await patch(ferry, final, offset, Buffer.from('zzz'));
        assert.equal(response.status, 403);
        assert.equal(response.body.error.code, 'UPLOAD_FINAL_IMMUTABLE');
      }
      assert.deepEqual(uploadState(await head(final)), before);
    }
    assert.equal(await headOffset(ferry, a), 3);
    assert.equal(await headOffset(ferry, b), 1);
    assert.equal((await download(a)).text, 'abc');
  });

  test('a final upload takes no body on creation (403)', async () => {
    const a = await partial('abc');
    const response = await ferry
      .http()
      .post('/files/')
      .set({ ...TUS, ...OCTET, 'Upload-Concat': `final;${a}` })
      .send('abc');
    assert.equal(response.status, 403);
    assert.equal(response.body.error.code, 'UPLOAD_FINAL_IMMUTABLE');
  });

  test('a final upload longer than Tus-Max-Size is 413', async () => {
    const small = await startFerry({ maxSize: 4 });
    const paths = [];
    for (const content of ['abc', 'de']) {
      const path = await createUpload(small, { ...PARTIAL, 'Upload-Length': String(content.length) });
      assert.equal((await patch(small, path, 0, Buffer.from(content))).status, 204);
      paths.push(path);
    }
    const response = await small
      .http()
      .post('/files/')
      .set({ ...TUS, 'Upload-Concat': `final;${paths.join(' ')}` });
    assert.equal(response.status, 413);
    assert.equal(response.body.error.code, 'UPLOAD_TOO_LARGE');
  });
});

describe('concatenation-unfinished', () => {
  test('The Client MAY send the concatenation request while the partial uploads are still in progress; the final completes when they do', async () => {
    const a = await partial('hello', 0);
    const b = await partial(' world', 3);
    const response = await ferry
      .http()
      .post('/files/')
      .set({ ...TUS, 'Upload-Concat': `final;${a} ${b}` });
    assert.equal(response.status, 201);
    const final = response.headers.location as string;
    assert.match(response.headers['upload-expires'] ?? '', /GMT$/, 'an unfinished final upload expires like any unfinished upload');

    // The response to a HEAD request for a final upload SHOULD NOT contain the Upload-Offset header
    // unless the concatenation has been successfully finished; Upload-Length MUST be included if it can be calculated.
    let headers = await head(final);
    assert.equal(headers['upload-offset'], undefined);
    assert.equal(headers['upload-length'], '11');
    assert.equal(headers['upload-concat'], `final;${a} ${b}`);
    assert.equal((await download(final)).status, 409);

    assert.equal((await patch(ferry, a, 0, Buffer.from('hello'))).status, 204);
    assert.equal((await head(final))['upload-offset'], undefined, 'one partial upload is still unfinished');
    // The PATCH that finishes the last partial upload is answered once the final upload is assembled.
    assert.equal((await patch(ferry, b, 3, Buffer.from('rld'))).status, 204);
    headers = await head(final);
    assert.deepEqual([headers['upload-offset'], headers['upload-length']], ['11', '11']);
    assert.deepEqual(await download(final), { status: 200, text: 'hello world' });
  });

  test('The Upload-Length header MUST be included if the length of the final resource can be calculated at the time of the request', async () => {
    const deferred = await createUpload(ferry, { ...PARTIAL, 'Upload-Defer-Length': '1' });
    const known = await partial('!!');
    const final = await createFinal([deferred, known]);
    let headers = await head(final);
    assert.equal(headers['upload-length'], undefined);
    assert.equal(headers['upload-defer-length'], undefined);
    const declare = await ferry
      .http()
      .patch(deferred)
      .set({ ...TUS, ...OCTET, 'Upload-Offset': '0', 'Upload-Length': '4' })
      .send('wait');
    assert.equal(declare.status, 204);
    headers = await head(final);
    assert.deepEqual([headers['upload-offset'], headers['upload-length']], ['6', '6']);
    assert.deepEqual(await download(final), { status: 200, text: 'wait!!' });
  });

  test('a final upload with `schema` metadata is imported once assembled; its partial uploads never are', async () => {
    const csv = peopleCsv(30);
    const cut = csv.indexOf('\n', csv.length / 2) + 1;
    const schema = { schema: 'people', filename: 'people.csv' };
    const first = await partial(csv.slice(0, cut), 0, schema);
    const second = await partial(csv.slice(cut), 0, schema);
    const final = await createFinal([first, second], { 'Upload-Metadata': metadataHeader(schema) });
    assert.equal((await patch(ferry, second, 0, Buffer.from(csv.slice(cut)))).status, 204);
    assert.equal((await patch(ferry, first, 0, Buffer.from(csv.slice(0, cut)))).status, 204);
    const state = await waitForImport(ferry.http, `upload-${idOf(final)}`);
    assert.equal(state.status, 'succeeded', JSON.stringify(state));
    assert.equal(state.summary?.rowsImported, 30);
    assert.equal(sqliteRows(ferry.config.dataDir, 'people').length >= 30, true);
    for (const part of [first, second]) assert.equal((await ferry.http().get(`/imports/upload-${idOf(part)}`)).status, 404);
  });
});

describe('termination and expiration of concatenated uploads', () => {
  test('terminating a final upload deletes only the final upload', async () => {
    const a = await partial('abc');
    const final = await createFinal([a]);
    assert.equal((await ferry.http().delete(final).set(TUS)).status, 204);
    assert.equal((await ferry.http().head(final).set(TUS)).status, 404);
    assert.equal(await headOffset(ferry, a), 3);
    assert.deepEqual(await download(a), { status: 200, text: 'abc' });
  });

  test('a partial upload that an unfinished final upload needs cannot be terminated (409) until that final is', async () => {
    const a = await partial('abc', 1);
    const final = await createFinal([a]);
    const refused = await ferry.http().delete(a).set(TUS);
    assert.equal(refused.status, 409);
    assert.equal(refused.body.error.code, 'UPLOAD_PARTIAL_IN_USE');
    assert.equal(await headOffset(ferry, a), 1);
    assert.equal((await ferry.http().delete(final).set(TUS)).status, 204);
    assert.equal((await ferry.http().delete(a).set(TUS)).status, 204);
  });

  test('a partial upload of an assembled final upload can be terminated; the final keeps its bytes', async () => {
    const a = await partial('abc');
    const final = await createFinal([a]);
    assert.equal((await ferry.http().delete(a).set(TUS)).status, 204);
    assert.deepEqual(await download(final), { status: 200, text: 'abc' });
  });

  test('expiration keeps an expired partial upload while an unfinished final upload needs it', async () => {
    const hour = 3_600_000;
    const expiring = await startFerry({ uploadExpiresMs: hour, expirySweepMs: 24 * hour });
    const { store } = expiring.ferry;
    const old: Upload = {
      id: 'a'.repeat(32),
      size: 5,
      offset: 0,
      protocol: 'tus',
      createdAt: new Date(Date.now() - 2 * hour).toISOString(),
      concat: { kind: 'partial' },
    };
    await store.createUpload(old);
    const final = await createUpload(expiring, { 'Upload-Concat': `final;/files/${old.id}` });
    assert.equal(await store.deleteExpired(), 0);
    assert.equal((await store.getUpload(old.id)).offset, 0, 'still stored (HEAD says 410: it has expired)');
    assert.equal((await expiring.http().delete(final).set(TUS)).status, 204);
    assert.equal(await store.deleteExpired(), 1);
    assert.equal((await expiring.http().head(`/files/${old.id}`).set(TUS)).status, 404);
  });
});
