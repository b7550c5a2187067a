import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import path from 'node:path';
import { describe, it } from 'node:test';
import { crc32 } from 'node:zlib';
import { ANONYMOUS } from '../../src/auth/principal.js';
import type { Upload } from '../../src/uploads/upload.js';
import { waitFor } from '../support/tus-requests.js';
import {
  askForLock,
  createUpload,
  type HttpCase,
  headOffset,
  metadataHeader,
  OCTET,
  patch,
  patchHandlerWithOwnLocker,
  type RawResponse,
  runCase,
  startFerry,
  TUS,
} from './harness.js';

const finished: Upload[] = [];
const test = await startFerry({}, { onUploadFinished: (upload) => void finished.push(upload) });
const MiB = 1024 * 1024;

/** `Upload-Checksum` for `body`: the algorithm's digest in Base64 (crc32 as its 4 bytes big-endian). */
function checksumOf(algorithm: string, body: Buffer): string {
  if (algorithm === 'crc32') {
    const bytes = Buffer.alloc(4);
    bytes.writeUInt32BE(crc32(body));
    return `crc32 ${bytes.toString('base64')}`;
  }
  return `${algorithm} ${createHash(algorithm).update(body).digest('base64')}`;
}

const idOf = (uploadPath: string) => path.basename(uploadPath);
const dataFile = (uploadPath: string) => path.join(test.config.dataDir, idOf(uploadPath));
const dataFileSize = async (uploadPath: string) => (await stat(dataFile(uploadPath))).size;
const wasFinished = (uploadPath: string) => finished.some((upload) => upload.id === idOf(uploadPath));
const sha1 = (bytes: Buffer) => createHash('sha1').update(bytes).digest('hex');

function patchWithChecksum(uploadPath: string, offset: number, body: Buffer, checksum: string) {
  return test
    .http()
    .patch(uploadPath)
    .set({ ...TUS, ...OCTET, 'Upload-Offset': String(offset), 'Upload-Checksum': checksum })
    .send(body);
}

/** An upload of `length` bytes holding the first `stored` bytes of `content`. */
async function uploadHolding(content: Buffer, stored: number, headers: Record<string, string> = {}): Promise<string> {
  const uploadPath = await createUpload(test, { 'Upload-Length': String(content.length), ...headers });
  if (stored > 0) assert.equal((await patch(test, uploadPath, 0, content.subarray(0, stored))).status, 204);
  return uploadPath;
}

/** The upload's offset (HEAD) and its data file's length are both `offset`. */
async function assertStoredLength(uploadPath: string, offset: number): Promise<void> {
  assert.equal(await headOffset(test, uploadPath), offset, 'HEAD shows the offset');
  assert.equal(await dataFileSize(uploadPath), offset, 'the data file has that length');
}

/** A chunked request through node:http; `trailers` are sent after the body. */
function chunkedRequest(
  method: string,
  requestPath: string,
  headers: Record<string, string>,
  body: Buffer,
  trailers?: Record<string, string>,
): Promise<RawResponse> {
  const { hostname, port } = new URL(test.baseUrl);
  return new Promise((resolve, reject) => {
    const request = httpRequest({ hostname, port, method, path: requestPath, headers: { ...headers, 'Transfer-Encoding': 'chunked' } }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode!, headers: response.headers, body: Buffer.concat(chunks) }));
      response.on('error', reject);
    });
    request.on('error', reject);
    request.write(body);
    if (trailers !== undefined) request.addTrailers(trailers);
    request.end();
  });
}

const errorCode = (response: RawResponse) => (JSON.parse(response.body.toString()) as { error: { code: string } }).error.code;

describe('checksum: discovery', () => {
  const cases: HttpCase[] = [
    {
      name: 'the Server MUST add checksum (and checksum-trailer) to the Tus-Extension header',
      method: 'OPTIONS',
      url: '/files/',
      status: 204,
      expectHeaders: {
        'Tus-Extension':
          /^creation,creation-with-upload,creation-defer-length,termination(,expiration)?,concatenation,concatenation-unfinished,checksum,checksum-trailer$/,
      },
    },
    {
      name: 'the Tus-Checksum-Algorithm header MUST be included in the response to an OPTIONS request (sha1 at least)',
      method: 'OPTIONS',
      url: '/files/',
      status: 204,
      expectHeaders: { 'Tus-Checksum-Algorithm': 'sha1,md5,sha256,crc32' },
    },
    {
      name: 'OPTIONS on an upload URL lists them too',
      method: 'OPTIONS',
      url: () => createUpload(test),
      status: 204,
      expectHeaders: { 'Tus-Checksum-Algorithm': 'sha1,md5,sha256,crc32', 'Tus-Extension': /checksum,checksum-trailer/ },
    },
  ];
  for (const testCase of cases) it(testCase.name, () => runCase(test, testCase));

  it('crc32 travels as its 4 bytes big-endian in Base64', () => {
    assert.equal(checksumOf('crc32', Buffer.from('123456789')), 'crc32 \x79/Q5Jg==');
  });
});

describe('checksum: Upload-Checksum on PATCH', () => {
  for (const algorithm of ['sha1', 'md5', 'sha256', 'crc32']) {
    it(`${algorithm}: the Server MUST verify the chunk; when the checksums match, 204 No Content and the offset moves`, async () => {
      const content = randomBytes(64 * 1024);
      const uploadPath = await uploadHolding(content, 1000);
      const chunk = content.subarray(1000, 20_000);
      const response = await patchWithChecksum(uploadPath, 1000, chunk, checksumOf(algorithm, chunk));
      assert.equal(response.status, 204, response.text);
      assert.equal(response.headers['upload-offset'], '20000');
      await assertStoredLength(uploadPath, 20_000);
      assert.equal(sha1(await readFile(dataFile(uploadPath))), sha1(content.subarray(0, 20_000)));
    });
  }

  it('mismatch: 460 Checksum Mismatch; the chunk MUST be discarded and the offset MUST NOT be updated', async () => {
    const content = randomBytes(40_000);
    const uploadPath = await uploadHolding(content, 10_000);
    const response = await patchWithChecksum(uploadPath, 10_000, content.subarray(10_000, 30_000), checksumOf('sha1', Buffer.from('something else')));
    assert.equal(response.status, 460);
    assert.equal(response.body.error.code, 'UPLOAD_CHECKSUM_MISMATCH');
    assert.equal(response.headers['tus-resumable'], '1.0.0');
    await assertStoredLength(uploadPath, 10_000);
    assert.equal(sha1(await readFile(dataFile(uploadPath))), sha1(content.subarray(0, 10_000)));
    const retry = await patchWithChecksum(uploadPath, 10_000, content.subarray(10_000), checksumOf('md5', content.subarray(10_000)));
    assert.equal(retry.status, 204);
    assert.equal(sha1(await readFile(dataFile(uploadPath))), sha1(content));
  });

  const refused: { name: string; checksum: string; code: string }[] = [
    {
      name: 'an algorithm the server does not support',
      checksum: 'sha512 z4PhNX7vuL3xVChQ1m2AB9Yg5AULVxXcg/SpIdNs6c5H0NE8XYXysP+DGNKHfuwvY7kxvUdBeoGlODJ6+SfaPg==',
      code: 'UPLOAD_CHECKSUM_ALGORITHM_UNSUPPORTED',
    },
    {
      name: 'an upper-case algorithm name (names exclude upper case)',
      checksum: 'SHA1 2jmj7l5rSw0yVb/vlWAYkK/YBwk=',
      code: 'UPLOAD_CHECKSUM_ALGORITHM_UNSUPPORTED',
    },
    { name: 'no space between algorithm and checksum', checksum: 'sha1', code: 'UPLOAD_CHECKSUM_INVALID' },
    { name: 'a checksum that is not Base64', checksum: 'sha1 not*base64!', code: 'UPLOAD_CHECKSUM_INVALID' },
    { name: 'a digest of the wrong length for its algorithm', checksum: 'sha1 AAAA', code: 'UPLOAD_CHECKSUM_INVALID' },
    { name: 'more than two parts', checksum: 'sha1 2jmj7l5rSw0yVb/vlWAYkK/YBwk= extra', code: 'UPLOAD_CHECKSUM_INVALID' },
  ];
  for (const { name, checksum, code } of refused) {
    it(`400 Bad Request for ${name}; nothing is stored`, async () => {
      const uploadPath = await uploadHolding(Buffer.alloc(100), 10);
      const response = await patchWithChecksum(uploadPath, 10, Buffer.alloc(20, 1), checksum);
      assert.equal(response.status, 400, response.text);
      assert.equal(response.body.error.code, code);
      await assertStoredLength(uploadPath, 10);
    });
  }

  it('a mismatch on the chunk that would complete the upload leaves it unfinished and not imported', async () => {
    const content = Buffer.from('id,name\n1,Ada\n2,Grace\n');
    const uploadPath = await uploadHolding(content, 8, { 'Upload-Metadata': metadataHeader({ schema: 'people' }) });
    const response = await patchWithChecksum(uploadPath, 8, content.subarray(8), checksumOf('sha256', Buffer.from('not the body')));
    assert.equal(response.status, 460);
    await assertStoredLength(uploadPath, 8);
    assert.equal(wasFinished(uploadPath), false, 'the finish path did not run');
    assert.equal((await test.http().get(`/imports/upload-${idOf(uploadPath)}`)).status, 404, 'no import');
    assert.equal((await test.http().get(uploadPath)).status, 409, 'not downloadable: UPLOAD_NOT_FINISHED');

    const retry = await patchWithChecksum(uploadPath, 8, content.subarray(8), checksumOf('sha256', content.subarray(8)));
    assert.equal(retry.status, 204);
    assert.equal(wasFinished(uploadPath), true);
    assert.equal((await test.http().get(`/imports/upload-${idOf(uploadPath)}`)).status, 200, 'imported once it verified');
  });

  it('a checksum mismatch in the middle of a long upload leaves the file exactly as it was before that chunk', async () => {
    const chunks = Array.from({ length: 20 }, () => randomBytes(MiB));
    const content = Buffer.concat(chunks);
    const uploadPath = await createUpload(test, { 'Upload-Length': String(content.length) });
    for (const [index, chunk] of chunks.entries()) {
      const offset = index * MiB;
      if (index === 9) {
        const corrupted = Buffer.from(chunk);
        corrupted[MiB / 2] ^= 0xff;
        const refusedChunk = await patchWithChecksum(uploadPath, offset, corrupted, checksumOf('sha1', chunk));
        assert.equal(refusedChunk.status, 460);
        await assertStoredLength(uploadPath, offset);
        assert.equal(sha1(await readFile(dataFile(uploadPath))), sha1(content.subarray(0, offset)), 'the first 9 chunks, byte for byte');
      }
      const response = await patchWithChecksum(uploadPath, offset, chunk, checksumOf('sha1', chunk));
      assert.equal(response.status, 204, `chunk ${index}`);
    }
    await assertStoredLength(uploadPath, content.length);
    assert.equal(sha1(await readFile(dataFile(uploadPath))), sha1(content));
    assert.equal(wasFinished(uploadPath), true);
  });

  it('a chunked body with a checksum that goes beyond Upload-Length: 413, and all of it is discarded', async () => {
    const uploadPath = await uploadHolding(Buffer.alloc(10), 2);
    const body = Buffer.from('0123456789');
    const response = await chunkedRequest('PATCH', uploadPath, { ...TUS, ...OCTET, 'Upload-Offset': '2', 'Upload-Checksum': checksumOf('sha1', body) }, body);
    assert.equal(response.status, 413);
    assert.equal(errorCode(response), 'UPLOAD_LENGTH_EXCEEDED');
    await assertStoredLength(uploadPath, 2);
    assert.equal(wasFinished(uploadPath), false);
  });

  it('if the hash cannot be calculated because the client went away, the Server MUST discard the chunk', async () => {
    const content = randomBytes(2 * MiB);
    const uploadPath = await uploadHolding(content, 1000);
    const { hostname, port } = new URL(test.baseUrl);
    const request = httpRequest({
      hostname,
      port,
      method: 'PATCH',
      path: uploadPath,
      headers: {
        ...TUS,
        ...OCTET,
        'Upload-Offset': '1000',
        'Content-Length': String(content.length - 1000),
        'Upload-Checksum': checksumOf('sha1', content.subarray(1000)),
      },
    });
    request.on('error', () => undefined); // the socket is destroyed on purpose
    await new Promise<void>((resolve, reject) => request.write(content.subarray(1000, MiB), (error) => (error ? reject(error) : resolve())));
    await waitFor('part of the body to be stored', async () => (await dataFileSize(uploadPath)) > 1000);
    request.destroy();
    // HEAD waits for the upload's lock, so it answers once the PATCH has ended.
    await assertStoredLength(uploadPath, 1000);
  });

  it('a body cut short for another request (the lock is wanted) cannot be verified: 400, and discarded', async () => {
    const uploadPath = await uploadHolding(Buffer.alloc(100), 0);
    const { handlePatch, locker } = patchHandlerWithOwnLocker(test);
    let received = 0;
    async function* stalledClient(): AsyncGenerator<Uint8Array> {
      yield Buffer.from('first bytes');
      yield Buffer.from('more bytes');
      await new Promise(() => undefined); // the client never sends more, nor closes
    }
    const refusal = assert.rejects(
      handlePatch({
        headers: new Headers({ ...TUS, ...OCTET, 'Upload-Offset': '0', 'Upload-Checksum': checksumOf('sha1', Buffer.alloc(100)) }),
        signal: new AbortController().signal,
        principal: ANONYMOUS,
        id: idOf(uploadPath),
        body: stalledClient(),
        onBytesReceived: (bytes) => {
          received += bytes;
        },
      }),
      { code: 'UPLOAD_ABORTED', status: 400 },
    );
    await waitFor('both chunks to be read', () => received === 'first bytesmore bytes'.length);
    await askForLock(locker, idOf(uploadPath));
    await refusal;
    await assertStoredLength(uploadPath, 0);
  });
});

describe('checksum: creation-with-upload', () => {
  const uploadIds = async () => new Set((await readdir(test.config.dataDir)).filter((name) => !name.includes('.')));

  it('a POST whose body matches its Upload-Checksum: 201 and the offset moves', async () => {
    const body = Buffer.from('hello, checksum');
    const response = await test
      .http()
      .post('/files/')
      .set({ ...TUS, ...OCTET, 'Upload-Length': '100', 'Upload-Checksum': checksumOf('crc32', body) })
      .send(body);
    assert.equal(response.status, 201, response.text);
    assert.equal(response.headers['upload-offset'], String(body.length));
    await assertStoredLength(response.headers.location as string, body.length);
  });

  it('a POST whose body does not match: 460, and the upload holds nothing', async () => {
    const before = await uploadIds();
    const body = Buffer.from('hello, checksum');
    const response = await test
      .http()
      .post('/files/')
      .set({ ...TUS, ...OCTET, 'Upload-Length': String(body.length), 'Upload-Checksum': checksumOf('sha1', Buffer.from('other')) })
      .send(body);
    assert.equal(response.status, 460);
    const created = [...(await uploadIds())].filter((id) => !before.has(id));
    assert.equal(created.length, 1);
    // The error still names the upload it created, so the client can resume it.
    assert.equal(response.headers.location, `/files/${created[0]}`);
    await assertStoredLength(`/files/${created[0]}`, 0);
    assert.equal(wasFinished(`/files/${created[0]}`), false);
  });

  it('a POST with an unsupported algorithm: 400, and no upload is created', async () => {
    const before = await uploadIds();
    const response = await test
      .http()
      .post('/files/')
      .set({ ...TUS, ...OCTET, 'Upload-Length': '5', 'Upload-Checksum': 'blake3 AAAA' })
      .send('hello');
    assert.equal(response.status, 400);
    assert.equal(response.body.error.code, 'UPLOAD_CHECKSUM_ALGORITHM_UNSUPPORTED');
    assert.deepEqual(await uploadIds(), before);
  });
});

describe('checksum-trailer: Upload-Checksum after a chunked body', () => {
  const trailerHeaders = (offset: number) => ({ ...TUS, ...OCTET, 'Upload-Offset': String(offset), Trailer: 'Upload-Checksum' });

  it('a trailer that matches: 204 and the offset moves', async () => {
    const content = randomBytes(300_000);
    const uploadPath = await uploadHolding(content, 100);
    const chunk = content.subarray(100);
    const response = await chunkedRequest('PATCH', uploadPath, trailerHeaders(100), chunk, { 'Upload-Checksum': checksumOf('sha256', chunk) });
    assert.equal(response.status, 204, response.body.toString());
    assert.equal(response.headers['upload-offset'], String(content.length));
    await assertStoredLength(uploadPath, content.length);
    assert.equal(wasFinished(uploadPath), true);
  });

  it('a trailer that does not match: 460, the chunk discarded and the upload not finished', async () => {
    const content = randomBytes(300_000);
    const uploadPath = await uploadHolding(content, 100);
    const response = await chunkedRequest('PATCH', uploadPath, trailerHeaders(100), content.subarray(100), { 'Upload-Checksum': checksumOf('md5', content) });
    assert.equal(response.status, 460);
    assert.equal(errorCode(response), 'UPLOAD_CHECKSUM_MISMATCH');
    await assertStoredLength(uploadPath, 100);
    assert.equal(wasFinished(uploadPath), false);
  });

  it('with both a header and a trailer, both must match', async () => {
    const uploadPath = await uploadHolding(Buffer.alloc(50), 0);
    const body = Buffer.alloc(50, 3);
    const headers = { ...trailerHeaders(0), 'Upload-Checksum': checksumOf('sha1', body) };
    const badTrailer = await chunkedRequest('PATCH', uploadPath, headers, body, { 'Upload-Checksum': checksumOf('crc32', Buffer.alloc(50, 4)) });
    assert.equal(badTrailer.status, 460);
    await assertStoredLength(uploadPath, 0);
    const bothGood = await chunkedRequest('PATCH', uploadPath, headers, body, { 'Upload-Checksum': checksumOf('crc32', body) });
    assert.equal(bothGood.status, 204);
  });

  it('an announced trailer that never arrives leaves the chunk unverified: 400, discarded', async () => {
    const uploadPath = await uploadHolding(Buffer.alloc(50), 0);
    const response = await chunkedRequest('PATCH', uploadPath, trailerHeaders(0), Buffer.alloc(20));
    assert.equal(response.status, 400);
    assert.equal(errorCode(response), 'UPLOAD_CHECKSUM_INVALID');
    await assertStoredLength(uploadPath, 0);
  });

  it('a trailer with an unsupported algorithm: 400, discarded', async () => {
    const uploadPath = await uploadHolding(Buffer.alloc(50), 0);
    const response = await chunkedRequest('PATCH', uploadPath, trailerHeaders(0), Buffer.alloc(20), { 'Upload-Checksum': 'adler32 AAAAAA==' });
    assert.equal(response.status, 400);
    assert.equal(errorCode(response), 'UPLOAD_CHECKSUM_ALGORITHM_UNSUPPORTED');
    await assertStoredLength(uploadPath, 0);
  });

  it('trailers are only allowed in chunked transfers: a trailer announced with a Content-Length is 400 before the body is read', async () => {
    const uploadPath = await uploadHolding(Buffer.alloc(50), 0);
    // node:http will not send this request, so it goes to the app directly.
    const response = await test.ferry.app.request(uploadPath, {
      method: 'PATCH',
      headers: { ...trailerHeaders(0), 'Content-Length': '20' },
      body: Buffer.alloc(20),
    });
    assert.equal(response.status, 400);
    assert.equal(((await response.json()) as { error: { code: string } }).error.code, 'UPLOAD_CHECKSUM_INVALID');
    await assertStoredLength(uploadPath, 0);
  });

  it('a creation-with-upload POST with a trailer checksum', async () => {
    const body = Buffer.from('posted with a trailer');
    const response = await chunkedRequest('POST', '/files/', { ...TUS, ...OCTET, 'Upload-Length': '100', Trailer: 'Upload-Checksum' }, body, {
      'Upload-Checksum': checksumOf('sha1', body),
    });
    assert.equal(response.status, 201, response.body.toString());
    assert.equal(response.headers['upload-offset'], String(body.length));
  });
});
