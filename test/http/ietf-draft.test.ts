import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { connect } from 'node:net';
import path from 'node:path';
import { describe, it } from 'node:test';
import type { Upload } from '../../src/uploads/upload.js';
import { OCTET, rawRequest, runCase, startFerry, TUS } from './harness.js';

/**
 * IETF "Resumable Uploads for HTTP" (draft-ietf-httpbis-resumable-upload) on /files/, interop
 * versions 6 (drafts -04/-05) and 8 (drafts -09 to -11, editor's copy). Tests are named by
 * the drafts' MUST sentences.
 */

const MAX_SIZE = 1024 * 1024;
const finished: Upload[] = [];
const test = await startFerry({ maxSize: MAX_SIZE }, { onUploadFinished: (upload) => void finished.push(upload) });
const EXPIRES_S = test.config.uploadExpiresMs / 1000;
const PARTIAL = { 'Content-Type': 'application/partial-upload' } as const;
const VERSIONS = [6, 8] as const;
type Version = (typeof VERSIONS)[number];

const ietf = (version: Version) => ({ 'Upload-Draft-Interop-Version': String(version) });
const idOf = (location: string) => path.basename(location);
const finishCount = (id: string) => finished.filter((upload) => upload.id === id).length;

/** Creates an IETF upload; resolves with its path `/files/<id>`. */
async function create(version: Version, headers: Record<string, string> = {}, body?: Buffer | string): Promise<string> {
  const pending = test
    .http()
    .post('/files/')
    .set({ ...ietf(version), 'Upload-Complete': '?0', ...headers });
  const response = await (body === undefined ? pending : pending.send(body));
  assert.equal(response.status, 201, response.text);
  return response.headers.location as string;
}

function append(version: Version, path: string, offset: number, complete: boolean, body: Buffer | string, headers: Record<string, string> = {}) {
  return test
    .http()
    .patch(path)
    .set({ ...ietf(version), ...PARTIAL, 'Upload-Offset': String(offset), 'Upload-Complete': complete ? '?1' : '?0', ...headers })
    .send(typeof body === 'string' ? Buffer.from(body) : body);
}

function head(version: Version, path: string, headers: Record<string, string> = {}) {
  return test
    .http()
    .head(path)
    .set({ ...ietf(version), ...headers });
}

async function download(path: string): Promise<string> {
  const response = await fetch(`${test.baseUrl}${path}`);
  assert.equal(response.status, 200);
  return response.text();
}

/** A request through node:http whose `information` (1xx) events are collected; `body` is sent only after the first one, if asked. */
function requestWithInterim(
  method: string,
  requestPath: string,
  headers: Record<string, string>,
  body: Buffer,
  sendBodyAfterInterim = false,
): Promise<{ interim: Array<{ statusCode: number; headers: IncomingHttpHeaders }>; status: number; headers: IncomingHttpHeaders; text: string }> {
  const { hostname, port } = new URL(test.baseUrl);
  return new Promise((resolve, reject) => {
    const interim: Array<{ statusCode: number; headers: IncomingHttpHeaders }> = [];
    const request = httpRequest({ hostname, port, method, path: requestPath, headers: { ...headers, 'Content-Length': String(body.length) } }, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        text += chunk;
      });
      response.on('end', () => resolve({ interim, status: response.statusCode!, headers: response.headers, text }));
    });
    request.on('information', (info) => {
      interim.push({ statusCode: info.statusCode, headers: info.headers });
      if (sendBodyAfterInterim && interim.length === 1) request.end(body);
    });
    request.on('error', reject);
    if (sendBodyAfterInterim) request.flushHeaders();
    else request.end(body);
  });
}

describe('Upload-Draft-Interop-Version selects the protocol', () => {
  it('a request without Upload-Draft-Interop-Version speaks tus (a POST without Tus-Resumable is 412)', async () => {
    await runCase(test, { name: 'tus', method: 'POST', url: '/files/', headers: { 'Upload-Complete': '?1' }, status: 412, code: 'TUS_VERSION_UNSUPPORTED' });
  });

  for (const value of ['5', '7', 'six', '-6']) {
    it(`an interop version the server does not speak (${value}) is refused with 400`, async () => {
      await runCase(test, {
        name: value,
        method: 'POST',
        url: '/files/',
        headers: { 'Upload-Draft-Interop-Version': value, 'Upload-Complete': '?1' },
        status: 400,
        code: 'UPLOAD_INTEROP_VERSION_UNSUPPORTED',
        expectHeaders: { 'upload-complete': '?0' },
      });
    });
  }
});

for (const version of VERSIONS) {
  describe(`interop version ${version}: upload creation`, () => {
    it('Upload-Complete: ?0: the server MUST include Location and Upload-Limit (201 Created RECOMMENDED)', async () => {
      await runCase(test, {
        name: 'incomplete creation',
        method: 'POST',
        url: '/files/',
        headers: { ...ietf(version), 'Upload-Complete': '?0' },
        status: 201,
        expectHeaders: {
          location: /^\/files\/[0-9a-f]{32}$/,
          'upload-complete': '?0',
          'upload-offset': '0',
          'upload-limit': `max-size=${MAX_SIZE}, ${version === 6 ? 'expires' : 'max-age'}=${EXPIRES_S}`,
          'tus-resumable': null,
        },
      });
    });

    it('Upload-Complete: ?1 with the whole content: the upload is complete, finished once, and reads back', async () => {
      const response = await test
        .http()
        .post('/files/')
        .set({ ...ietf(version), ...PARTIAL, 'Upload-Complete': '?1' })
        .send(Buffer.from('hello world'));
      assert.equal(response.status, 201);
      assert.equal(response.headers['upload-complete'], '?1');
      assert.equal(response.headers['upload-offset'], '11');
      assert.equal(finishCount(idOf(response.headers.location)), 1);
      assert.equal(await download(response.headers.location), 'hello world');
    });

    it('the server MUST record the length from Upload-Length (creation with part of the content)', async () => {
      const location = await create(version, { 'Upload-Length': '10' }, 'abcd');
      const response = await head(version, location);
      assert.equal(response.headers['upload-length'], '10');
      assert.equal(response.headers['upload-offset'], '4');
    });

    it('the server MUST record the length from Upload-Complete: ?1 and Content-Length', async () => {
      const response = await requestWithInterim('POST', '/files/', { ...ietf(version), 'Upload-Complete': '?1' }, Buffer.from('12345'));
      assert.equal(response.status, 201);
      const retrieval = await head(version, response.headers.location!);
      assert.equal(retrieval.headers['upload-length'], '5');
      assert.equal(retrieval.headers['upload-complete'], '?1');
    });

    it('indicated lengths MUST match: Upload-Length and Content-Length under ?1 that disagree are 400', async () => {
      await runCase(test, {
        name: 'inconsistent',
        method: 'POST',
        url: '/files/',
        headers: { ...ietf(version), 'Upload-Complete': '?1', 'Upload-Length': '9' },
        body: 'four',
        status: 400,
        code: 'UPLOAD_LENGTH_INVALID',
        expectHeaders: { 'upload-complete': '?0', location: null },
      });
    });

    it('Upload-Complete is a Structured Field Boolean: parameters and surrounding spaces are allowed', async () => {
      const response = await test
        .http()
        .post('/files/')
        .set({ ...ietf(version), 'Upload-Complete': ' ?0;note="x" ' });
      assert.equal(response.status, 201);
      assert.equal(response.headers['upload-complete'], '?0');
    });

    for (const value of [undefined, 'true', '1', '?2']) {
      it(`a creation without a valid Upload-Complete (${value ?? 'absent'}) is 400`, async () => {
        const headers: Record<string, string> = { ...ietf(version) };
        if (value !== undefined) headers['Upload-Complete'] = value;
        await runCase(test, { name: String(value), method: 'POST', url: '/files/', headers, status: 400, code: 'UPLOAD_COMPLETE_INVALID' });
      });
    }

    it('a length beyond max-size is refused with 413, and no upload is created', async () => {
      await runCase(test, {
        name: 'too large',
        method: 'POST',
        url: '/files/',
        headers: { ...ietf(version), 'Upload-Complete': '?0', 'Upload-Length': String(MAX_SIZE + 1) },
        status: 413,
        code: 'UPLOAD_TOO_LARGE',
        expectHeaders: { location: null },
      });
    });

    it('an empty creation with Upload-Complete: ?1 is an empty upload, complete at once', async () => {
      const response = await test
        .http()
        .post('/files/')
        .set({ ...ietf(version), 'Upload-Complete': '?1', 'Content-Length': '0' });
      assert.equal(response.status, 201);
      assert.equal(response.headers['upload-complete'], '?1');
      assert.equal(finishCount(idOf(response.headers.location)), 1);
    });

    it('Upload-Complete: ?1 on a chunked body with no length: the length is where the content ended', async () => {
      const { hostname, port } = new URL(test.baseUrl);
      const response = await new Promise<{ status: number; headers: IncomingHttpHeaders }>((resolve, reject) => {
        const request = httpRequest(
          { hostname, port, method: 'POST', path: '/files/', headers: { ...ietf(version), 'Upload-Complete': '?1', 'Transfer-Encoding': 'chunked' } },
          (res) => {
            res.resume();
            res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers }));
          },
        );
        request.on('error', reject);
        request.write('chunk one, ');
        request.end('chunk two');
      });
      assert.equal(response.status, 201);
      assert.equal(response.headers['upload-complete'], '?1');
      assert.equal(finishCount(idOf(response.headers.location!)), 1);
      assert.equal(await download(response.headers.location!), 'chunk one, chunk two');
      assert.equal((await head(version, response.headers.location!)).headers['upload-length'], '20');
    });
  });

  describe(`interop version ${version}: 104 (Upload Resumption Supported)`, () => {
    it('the interim response MUST include Location (identical to the final one) and the interop version, and comes before the content', async () => {
      const response = await requestWithInterim('POST', '/files/', { ...ietf(version), 'Upload-Complete': '?1' }, Buffer.from('sent after the 104'), true);
      assert.equal(response.interim.length, 1);
      const [interim] = response.interim;
      assert.equal(interim.statusCode, 104);
      assert.match(interim.headers.location ?? '', /^\/files\/[0-9a-f]{32}$/);
      assert.equal(interim.headers['upload-draft-interop-version'], String(version));
      assert.equal(interim.headers['upload-limit'], `max-size=${MAX_SIZE}, ${version === 6 ? 'expires' : 'max-age'}=${EXPIRES_S}`);
      assert.equal(response.status, 201);
      assert.equal(response.headers.location, interim.headers.location);
      assert.equal(await download(interim.headers.location!), 'sent after the 104');
    });
  });

  describe(`interop version ${version}: offset retrieval`, () => {
    it('MUST include Upload-Offset, Upload-Complete, Upload-Length and Upload-Limit, and SHOULD include Cache-Control: no-store', async () => {
      const location = await create(version, { 'Upload-Length': '8' }, 'abc');
      await runCase(test, {
        name: 'HEAD',
        method: 'HEAD',
        url: location,
        headers: ietf(version),
        status: 204,
        expectHeaders: {
          'upload-offset': '3',
          'upload-complete': '?0',
          'upload-length': '8',
          'cache-control': 'no-store',
          'upload-limit': new RegExp(`^max-size=${MAX_SIZE}, ${version === 6 ? 'expires' : 'max-age'}=\\d+$`),
        },
      });
    });

    it('Upload-Length is left out while the client has not supplied one', async () => {
      const location = await create(version);
      const response = await head(version, location);
      assert.equal(response.status, 204);
      assert.equal(response.headers['upload-length'], undefined);
    });

    it('GET with the interop version retrieves the offset too', async () => {
      const location = await create(version, {}, 'xy');
      const response = await test.http().get(location).set(ietf(version));
      assert.equal(response.status, 204);
      assert.equal(response.headers['upload-offset'], '2');
    });

    it('an unknown upload is 404', async () => {
      await runCase(test, { name: '404', method: 'HEAD', url: `/files/${'0'.repeat(32)}`, headers: ietf(version), status: 404 });
    });

    it(
      version === 6
        ? 'draft -05: the request MUST NOT include Upload-Offset, Upload-Complete or Upload-Length; the server MUST reject it with 400'
        : 'a request with Upload-Offset is answered (the rule of draft -05 is gone)',
      async () => {
        const location = await create(version);
        const response = await head(version, location, { 'Upload-Offset': '0' });
        assert.equal(response.status, version === 6 ? 400 : 204);
      },
    );
  });

  describe(`interop version ${version}: upload append`, () => {
    it('a PATCH without Content-Type: application/partial-upload is 415', async () => {
      const location = await create(version);
      const response = await append(version, location, 0, false, 'abc', OCTET);
      assert.equal(response.status, 415);
      assert.equal(JSON.parse(response.text).error.code, 'UPLOAD_CONTENT_TYPE_INVALID');
    });

    it('the request MUST include Upload-Complete (400 without it)', async () => {
      const location = await create(version);
      const response = await test
        .http()
        .patch(location)
        .set({ ...ietf(version), ...PARTIAL, 'Upload-Offset': '0' })
        .send(Buffer.from('abc'));
      assert.equal(response.status, 400);
      assert.equal(JSON.parse(response.text).error.code, 'UPLOAD_COMPLETE_INVALID');
    });

    it('a mismatching Upload-Offset MUST be rejected with 409 and Upload-Complete: ?0, and MUST include the correct offset in Upload-Offset', async () => {
      const location = await create(version, {}, 'abc');
      const response = await append(version, location, 5, false, 'def');
      assert.equal(response.status, 409);
      assert.equal(response.headers['upload-offset'], '3');
      assert.equal(response.headers['upload-complete'], '?0');
      assert.equal(JSON.parse(response.text).error.code, 'UPLOAD_OFFSET_MISMATCH');
    });

    it(`Upload-Complete: ?0 is acknowledged with ${version === 6 ? '201 (draft -05: MUST)' : 'a 2xx (204)'} and Upload-Complete: ?0`, async () => {
      const location = await create(version);
      const response = await append(version, location, 0, false, 'abc');
      assert.equal(response.status, version === 6 ? 201 : 204);
      assert.equal(response.headers['upload-complete'], '?0');
      assert.equal(response.headers['upload-offset'], '3');
    });

    it('Upload-Complete: ?1 completes the upload: the response MUST include Upload-Complete: ?1, and the bytes read back', async () => {
      const location = await create(version);
      assert.ok((await append(version, location, 0, false, 'hello ')).ok);
      const response = await append(version, location, 6, true, 'world');
      assert.equal(response.status, 201);
      assert.equal(response.headers['upload-complete'], '?1');
      assert.equal(response.headers['upload-offset'], '11');
      assert.equal(finishCount(idOf(location)), 1);
      assert.equal(await download(location), 'hello world');
      assert.equal((await head(version, location)).headers['upload-complete'], '?1');
    });

    it('a complete upload MUST NOT be modified and the request MUST be rejected (400)', async () => {
      const location = await create(version, { 'Upload-Complete': '?1' }, 'done');
      const response = await append(version, location, 4, false, 'more');
      assert.equal(response.status, 400);
      assert.equal(JSON.parse(response.text).error.code, 'UPLOAD_ALREADY_COMPLETE');
      assert.equal(await download(location), 'done');
    });

    it('an empty Upload-Complete: ?1 append to a complete upload replays the final response', async () => {
      const location = await create(version, { 'Upload-Complete': '?1' }, 'done');
      const response = await append(version, location, 4, true, '');
      assert.equal(response.status, 201);
      assert.equal(response.headers['upload-complete'], '?1');
      assert.equal(finishCount(idOf(location)), 1);
    });

    it('the server MUST prevent the offset from exceeding the length: content beyond it is rejected with 400 and not stored', async () => {
      const location = await create(version, { 'Upload-Length': '5' });
      const response = await append(version, location, 0, false, 'too long');
      assert.equal(response.status, 400);
      assert.equal(JSON.parse(response.text).error.code, 'UPLOAD_LENGTH_INVALID');
      assert.equal((await head(version, location)).headers['upload-offset'], '0');
    });

    it('the server MUST record Upload-Length sent on an append; a later different length is 400', async () => {
      const location = await create(version);
      assert.ok((await append(version, location, 0, false, 'ab', { 'Upload-Length': '6' })).ok);
      assert.equal((await head(version, location)).headers['upload-length'], '6');
      const response = await append(version, location, 2, false, 'cd', { 'Upload-Length': '7' });
      assert.equal(response.status, 400);
      assert.equal(JSON.parse(response.text).error.code, 'UPLOAD_LENGTH_INVALID');
    });

    it('Upload-Complete: ?1 and Content-Length shorter than the recorded length is 400 (inconsistent length)', async () => {
      const location = await create(version, { 'Upload-Length': '6' });
      const response = await append(version, location, 0, true, 'abc');
      assert.equal(response.status, 400);
      assert.equal((await head(version, location)).headers['upload-complete'], '?0');
    });

    it('POST with X-HTTP-Method-Override: PATCH appends', async () => {
      const location = await create(version);
      const response = await test
        .http()
        .post(location)
        .set({ ...ietf(version), ...PARTIAL, 'X-HTTP-Method-Override': 'PATCH', 'Upload-Offset': '0', 'Upload-Complete': '?1' })
        .send(Buffer.from('via POST'));
      assert.equal(response.status, 201);
      assert.equal(await download(location), 'via POST');
    });
  });

  describe(`interop version ${version}: cancellation and OPTIONS`, () => {
    it('DELETE deactivates the upload resource: 204, then 404', async () => {
      const location = await create(version, {}, 'abc');
      await runCase(test, { name: 'DELETE', method: 'DELETE', url: location, headers: ietf(version), status: 204 });
      await runCase(test, { name: 'HEAD after', method: 'HEAD', url: location, headers: ietf(version), status: 404 });
    });

    if (version === 6) {
      it('draft -05: a DELETE with Upload-Offset or Upload-Complete MUST be rejected with 400', async () => {
        const location = await create(version);
        await runCase(test, {
          name: 'DELETE',
          method: 'DELETE',
          url: location,
          headers: { ...ietf(version), 'Upload-Complete': '?0' },
          status: 400,
          code: 'UPLOAD_HEADER_NOT_ALLOWED',
        });
      });
    }

    it('OPTIONS: the server MUST include Upload-Limit with its limits', async () => {
      await runCase(test, {
        name: 'OPTIONS',
        method: 'OPTIONS',
        url: '/files/',
        headers: ietf(version),
        status: 204,
        expectHeaders: {
          'upload-limit': `max-size=${MAX_SIZE}, ${version === 6 ? 'expires' : 'max-age'}=${EXPIRES_S}`,
          'accept-patch': 'application/partial-upload',
        },
      });
    });
  });
}

describe('limits and transport', () => {
  it('OPTIONS: a server that applies no limits MUST use min-size=0', async () => {
    const unlimited = await startFerry({ maxSize: 0, uploadExpiresMs: 0 });
    const response = await unlimited.http().options('/files/').set(ietf(8));
    assert.equal(response.status, 204);
    assert.equal(response.headers['upload-limit'], 'min-size=0');
  });

  it('no 104 without Upload-Draft-Interop-Version (a tus creation)', async () => {
    const response = await requestWithInterim('POST', '/files/', { ...TUS, 'Upload-Length': '3', ...OCTET }, Buffer.from('abc'));
    assert.equal(response.status, 201);
    assert.deepEqual(response.interim, []);
  });

  it('FERRY_IETF_INTERIM_RESPONSES=false: no 104 (a proxy that takes a 1xx for the final response), the creation answers 201', async () => {
    const quiet = await startFerry({ ietfInterimResponses: false });
    const { hostname, port } = new URL(quiet.baseUrl);
    const socket = connect(Number(port), hostname);
    socket.write(
      'POST /files/ HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nUpload-Draft-Interop-Version: 8\r\nUpload-Complete: ?1\r\nContent-Length: 3\r\n\r\nabc',
    );
    let text = '';
    socket.setEncoding('latin1');
    for await (const chunk of socket) text += chunk as string;
    assert.match(text, /^HTTP\/1\.1 201 /);
    assert.doesNotMatch(text, / 104 /);
  });

  it('a server MUST NOT send a 1xx response to an HTTP/1.0 client', async () => {
    const { hostname, port } = new URL(test.baseUrl);
    const socket = connect(Number(port), hostname);
    socket.write('POST /files/ HTTP/1.0\r\nHost: 127.0.0.1\r\nUpload-Draft-Interop-Version: 8\r\nUpload-Complete: ?1\r\nContent-Length: 3\r\n\r\nabc');
    let text = '';
    socket.setEncoding('latin1');
    for await (const chunk of socket) text += chunk as string;
    assert.match(text, /^HTTP\/1\.1 201 /);
    assert.doesNotMatch(text, / 104 /);
  });

  it('Upload-Metadata is accepted on an IETF creation (a ferry extension) and kept in the upload info', async () => {
    const location = await create(8, { 'Upload-Metadata': `filename ${Buffer.from('a.txt').toString('base64')}`, 'Upload-Complete': '?1' }, 'abc');
    const response = await fetch(`${test.baseUrl}${location}`);
    assert.match(response.headers.get('content-disposition') ?? '', /a\.txt/);
    const info = JSON.parse(await readFile(path.join(test.config.dataDir, `${idOf(location)}.json`), 'utf8')) as Record<string, unknown>;
    assert.equal(info.protocol, 'ietf');
  });

  it('Upload-Metadata on an IETF creation is kept byte-exact, as tus metadata is', async () => {
    const notUtf8 = Buffer.from([0xff, 0xfe, 0x80]).toString('base64');
    const location = await create(8, { 'Upload-Metadata': `blob ${notUtf8}`, 'Upload-Complete': '?1' }, 'abc');
    const info = JSON.parse(await readFile(path.join(test.config.dataDir, `${idOf(location)}.json`), 'utf8')) as Record<string, unknown>;
    assert.deepEqual(info.encodedMetadata, { blob: notUtf8 });
  });

  it('malformed Upload-Metadata on an IETF creation is 400 UPLOAD_METADATA_INVALID', async () => {
    const response = await test
      .http()
      .post('/files/')
      .set({ ...ietf(8), 'Upload-Complete': '?1', 'Upload-Metadata': 'name YQ=' })
      .send('abc');
    assert.equal(response.status, 400);
    assert.equal(JSON.parse(response.text).error.code, 'UPLOAD_METADATA_INVALID');
  });

  it('CORS exposes the IETF response headers', async () => {
    const response = await test
      .http()
      .options('/files/')
      .set({ ...ietf(8), Origin: 'https://app.example' });
    assert.match(response.headers['access-control-expose-headers'] ?? '', /Upload-Complete.*Upload-Limit/);
  });
});

describe('an upload is resumed only with the protocol that created it', () => {
  const tusUpload = async () => {
    const response = await test
      .http()
      .post('/files/')
      .set({ ...TUS, 'Upload-Length': '10' });
    assert.equal(response.status, 201);
    return response.headers.location as string;
  };

  for (const [name, method, headers] of [
    ['tus HEAD', 'HEAD', TUS],
    ['tus PATCH', 'PATCH', { ...TUS, ...OCTET, 'Upload-Offset': '0' }],
    ['tus DELETE', 'DELETE', TUS],
  ] as const) {
    it(`${name} on an IETF upload is 409 UPLOAD_PROTOCOL_MISMATCH`, async () => {
      await runCase(test, {
        name,
        method,
        url: () => create(8),
        headers,
        body: method === 'PATCH' ? 'abc' : undefined,
        status: 409,
        code: 'UPLOAD_PROTOCOL_MISMATCH',
      });
    });
  }

  for (const [name, method, headers] of [
    ['IETF HEAD', 'HEAD', ietf(8)],
    ['IETF PATCH', 'PATCH', { ...ietf(8), ...PARTIAL, 'Upload-Offset': '0', 'Upload-Complete': '?0' }],
    ['IETF DELETE', 'DELETE', ietf(8)],
  ] as const) {
    it(`${name} on a tus upload is 409 UPLOAD_PROTOCOL_MISMATCH, and the upload is untouched`, async () => {
      await runCase(test, {
        name,
        method,
        url: tusUpload,
        headers,
        body: method === 'PATCH' ? 'abc' : undefined,
        status: 409,
        code: 'UPLOAD_PROTOCOL_MISMATCH',
        then: async (_response, location) => {
          const offset = await rawRequest(test.baseUrl, 'HEAD', location, TUS);
          assert.equal(offset.status, 200);
          assert.equal(offset.headers['upload-offset'], '0');
        },
      });
    });
  }
});
