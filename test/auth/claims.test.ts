import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { principalFromClaims } from '../../src/auth/token-claims.js';
import { createUpload, type HttpCase, metadataHeader, runCase, type TestFerry, TUS } from '../http/harness.js';
import { peopleSchema, writeSchemasDir } from '../imports/harness.js';
import { bearer, sign, startJwtFerry } from './auth-fixtures.js';

const INSUFFICIENT_SCOPE = /^Bearer realm="ferry", error="insufficient_scope", error_description="[^"]+"$/;
const IETF = { 'Upload-Draft-Interop-Version': '6' } as const;
const CSV = 'id,name,age\n1,Ada,36\n';

describe('principalFromClaims', () => {
  it('makes sub the owner and narrows by the ferry_* claims; admin allows every action', () => {
    assert.deepEqual(principalFromClaims({ sub: 'alice' }), { owner: 'alice', admin: false });
    const narrowed = principalFromClaims({ sub: 'bob', ferry_actions: ['upload'], ferry_max_size: 10, ferry_schemas: ['people'] });
    assert.deepEqual([...(narrowed.actions ?? [])], ['upload']);
    assert.equal(narrowed.maxUploadSize, 10);
    assert.deepEqual(narrowed.schemas, ['people']);
    const admin = principalFromClaims({ sub: 'root', ferry_actions: ['admin'] });
    assert.equal(admin.admin, true);
    assert.deepEqual([...(admin.actions ?? [])].sort(), ['admin', 'delete', 'download', 'import', 'upload']);
  });

  for (const [name, claims] of [
    ['an unknown action', { ferry_actions: ['upload', 'root'] }],
    ['a negative size', { ferry_max_size: -1 }],
    ['a size as text', { ferry_max_size: '10' }],
    ['schemas as text', { ferry_schemas: 'people' }],
    ['an empty sub', { sub: '' }],
  ] as const) {
    it(`refuses the whole token for ${name} (ignoring a narrowing claim would widen it)`, () => {
      assert.throws(() => principalFromClaims({ sub: 'alice', ...claims }), { code: 'AUTH_INVALID' });
    });
  }
});

// Started at the top level: the harness closes a ferry when the hook or test that started it ends.
const test: TestFerry = await startJwtFerry({ schemasDir: await writeSchemasDir([peopleSchema()]) });
const open: TestFerry = await startJwtFerry({ corsOrigins: ['https://app.example'] });

describe('a valid token whose claims do not allow the request', () => {
  const tokens: Record<string, string> = {};
  before(async () => {
    tokens.full = await sign();
    tokens.upload = await sign({ ferry_actions: ['upload'] });
    tokens.download = await sign({ ferry_actions: ['download'] });
    tokens.import = await sign({ ferry_actions: ['import'] });
    tokens.uploadDelete = await sign({ ferry_actions: ['upload', 'delete'] });
    tokens.admin = await sign({ sub: 'root', ferry_actions: ['admin'] });
    tokens.small = await sign({ ferry_max_size: 10 });
    tokens.people = await sign({ ferry_schemas: ['people'] });
  });

  /** A finished upload of `content`, created with the unrestricted token; resolves with its id. */
  async function finishedUpload(content: string): Promise<string> {
    const path = await createUpload(test, { ...bearer(tokens.full), 'Upload-Length': String(content.length) });
    const response = await test
      .http()
      .patch(path)
      .set({ ...TUS, ...bearer(tokens.full), 'Content-Type': 'application/offset+octet-stream', 'Upload-Offset': '0' })
      .send(Buffer.from(content));
    assert.equal(response.status, 204, response.text);
    return path.split('/').pop() as string;
  }

  /** An upload of 3 bytes, created with the unrestricted token. */
  const anUpload = () => createUpload(test, { ...bearer(tokens.full), 'Upload-Length': '3' });
  const forbidden = (name: string, token: string, method: HttpCase['method'], url: HttpCase['url'], headers: Record<string, string> = TUS): HttpCase => ({
    name,
    method,
    url,
    headers: { ...headers, ...bearer(tokens[token]) },
    status: 403,
    code: 'AUTH_FORBIDDEN',
    expectHeaders: { 'WWW-Authenticate': INSUFFICIENT_SCOPE },
  });

  it('ferry_actions: each action needs its claim (403 AUTH_FORBIDDEN, insufficient_scope)', async () => {
    const cases: HttpCase[] = [
      forbidden('download-only creates (tus)', 'download', 'POST', '/files/', { ...TUS, 'Upload-Length': '3' }),
      forbidden('download-only creates (IETF)', 'download', 'POST', '/files/', { ...IETF, 'Upload-Complete': '?1' }),
      forbidden('download-only asks the offset (HEAD is resuming)', 'download', 'HEAD', anUpload),
      forbidden('download-only appends', 'download', 'PATCH', anUpload, { ...TUS, 'Content-Type': 'application/offset+octet-stream', 'Upload-Offset': '0' }),
      forbidden('upload-only terminates', 'upload', 'DELETE', anUpload),
      forbidden('upload-only downloads', 'upload', 'GET', anUpload, {}),
      forbidden('upload-only starts an import', 'upload', 'POST', '/imports', { 'Content-Type': 'application/json' }),
      forbidden('upload-only reads an import', 'upload', 'GET', '/imports/some-import', {}),
      forbidden('import-only creates an upload', 'import', 'POST', '/files/', { ...TUS, 'Upload-Length': '3' }),
    ];
    for (const testCase of cases) await runCase(test, testCase);
  });

  it('a 403 of a tus request carries Tus-Resumable; of an IETF one, Upload-Complete: ?0', async () => {
    const tus = await test
      .http()
      .post('/files/')
      .set({ ...TUS, ...bearer(tokens.download), 'Upload-Length': '3' });
    assert.equal(tus.headers['tus-resumable'], '1.0.0');
    const ietf = await test
      .http()
      .post('/files/')
      .set({ ...IETF, ...bearer(tokens.download), 'Upload-Complete': '?1' });
    assert.equal(ietf.headers['upload-complete'], '?0');
  });

  it('lets through what the claims allow: upload+delete terminates, admin does everything, import-only starts an import', async () => {
    await runCase(test, { name: 'upload+delete', method: 'DELETE', url: anUpload, headers: { ...TUS, ...bearer(tokens.uploadDelete) }, status: 204 });
    await runCase(test, { name: 'admin', method: 'DELETE', url: anUpload, headers: { ...TUS, ...bearer(tokens.admin) }, status: 204 });
    const started = await test
      .http()
      .post('/imports')
      .set(bearer(tokens.import))
      .send({ uploadId: await finishedUpload(CSV), schema: 'people' });
    assert.equal(started.status, 202, started.text);
  });

  it('ferry_max_size: a larger creation is 413 AUTH_UPLOAD_TOO_LARGE, one of unknown length 411 AUTH_LENGTH_REQUIRED', async () => {
    const small = bearer(tokens.small);
    const cases: HttpCase[] = [
      {
        name: 'tus, 11 bytes',
        method: 'POST',
        url: '/files/',
        headers: { ...TUS, ...small, 'Upload-Length': '11' },
        status: 413,
        code: 'AUTH_UPLOAD_TOO_LARGE',
      },
      { name: 'tus, 10 bytes', method: 'POST', url: '/files/', headers: { ...TUS, ...small, 'Upload-Length': '10' }, status: 201 },
      {
        name: 'tus, deferred length',
        method: 'POST',
        url: '/files/',
        headers: { ...TUS, ...small, 'Upload-Defer-Length': '1' },
        status: 411,
        code: 'AUTH_LENGTH_REQUIRED',
      },
      {
        name: 'IETF, complete with 11 bytes',
        method: 'POST',
        url: '/files/',
        headers: { ...IETF, ...small, 'Upload-Complete': '?1' },
        body: Buffer.alloc(11),
        status: 413,
        code: 'AUTH_UPLOAD_TOO_LARGE',
        expectHeaders: { 'Upload-Complete': '?0' },
      },
      {
        name: 'IETF, Upload-Length 11',
        method: 'POST',
        url: '/files/',
        headers: { ...IETF, ...small, 'Upload-Complete': '?0', 'Upload-Length': '11' },
        status: 413,
      },
      {
        name: 'IETF, unknown length',
        method: 'POST',
        url: '/files/',
        headers: { ...IETF, ...small, 'Upload-Complete': '?0' },
        status: 411,
        code: 'AUTH_LENGTH_REQUIRED',
      },
      {
        name: 'tus, declaring 11 bytes late on a deferred upload',
        method: 'PATCH',
        url: () => createUpload(test, { ...bearer(tokens.full), 'Upload-Defer-Length': '1' }),
        headers: { ...TUS, ...small, 'Content-Type': 'application/offset+octet-stream', 'Upload-Offset': '0', 'Upload-Length': '11' },
        status: 413,
        code: 'AUTH_UPLOAD_TOO_LARGE',
      },
    ];
    for (const testCase of cases) await runCase(test, testCase);
  });

  it('ferry_schemas: an upload or import naming another schema is 403 AUTH_SCHEMA_FORBIDDEN', async () => {
    const people = bearer(tokens.people);
    await runCase(test, {
      name: 'tus creation with schema metadata cars',
      method: 'POST',
      url: '/files/',
      headers: { ...TUS, ...people, 'Upload-Length': '3', 'Upload-Metadata': metadataHeader({ schema: 'cars' }) },
      status: 403,
      code: 'AUTH_SCHEMA_FORBIDDEN',
      expectHeaders: { 'WWW-Authenticate': INSUFFICIENT_SCOPE },
    });
    await runCase(test, {
      name: 'tus creation with schema metadata people',
      method: 'POST',
      url: '/files/',
      headers: { ...TUS, ...people, 'Upload-Length': '3', 'Upload-Metadata': metadataHeader({ schema: 'people', filename: 'p.csv' }) },
      status: 201,
    });
    const uploadId = await finishedUpload(CSV);
    const refused = await test.http().post('/imports').set(people).send({ uploadId, schema: 'cars' });
    assert.equal(refused.status, 403, refused.text);
    assert.equal(refused.body.error.code, 'AUTH_SCHEMA_FORBIDDEN');
    // The peek leaves the body whole for the route.
    const accepted = await test.http().post('/imports').set(people).send({ uploadId, schema: 'people' });
    assert.equal(accepted.status, 202, accepted.text);
  });
});

describe('what needs no token', () => {
  it('OPTIONS: tus discovery and CORS preflights of /files', async () => {
    const discovery = await open.http().options('/files/');
    assert.equal(discovery.status, 204);
    assert.equal(discovery.headers['tus-version'], '1.0.0');
    for (const path of ['/files/', '/files/some-upload']) {
      const preflight = await open
        .http()
        .options(path)
        .set({ Origin: 'https://app.example', 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'authorization, tus-resumable' });
      assert.equal(preflight.status, 204, `${path}: ${preflight.text}`);
      assert.equal(preflight.headers['access-control-allow-origin'], 'https://app.example');
      assert.match(preflight.headers['access-control-allow-headers'], /\bAuthorization\b/);
    }
  });

  it('/healthz and /schemas (public metadata: schema names and columns)', async () => {
    assert.equal((await open.http().get('/healthz')).status, 200);
    assert.equal((await open.http().get('/schemas')).status, 200);
  });
});
