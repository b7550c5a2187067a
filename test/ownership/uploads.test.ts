import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { OCTET, TUS } from '../http/harness.js';
import { ADMIN, assertSameAsMissing, type Call, missingUploadId, send, startOwnedFerry, type Who } from './harness.js';

const ferry = await startOwnedFerry();
const IETF = { 'Upload-Draft-Interop-Version': '8' } as const;
const CONTENT = Buffer.from('0123456789');

/** Creates an upload as `who`; resolves with its id. */
async function create(who: Who, protocol: 'tus' | 'ietf', finished: boolean): Promise<string> {
  const call: Call =
    protocol === 'tus'
      ? finished
        ? { method: 'POST', path: '/files/', headers: { ...TUS, ...OCTET, 'Upload-Length': String(CONTENT.length) }, body: CONTENT }
        : { method: 'POST', path: '/files/', headers: { ...TUS, 'Upload-Length': String(CONTENT.length) } }
      : finished
        ? { method: 'POST', path: '/files/', headers: { ...IETF, 'Upload-Complete': '?1' }, body: CONTENT }
        : { method: 'POST', path: '/files/', headers: { ...IETF, 'Upload-Complete': '?0' } };
  const response = await send(ferry, who, call);
  assert.equal(response.status, 201, response.body.toString());
  return (response.headers.location as string).split('/').pop()!;
}

interface MethodCase {
  name: string;
  protocol: 'tus' | 'ietf';
  /** The upload must be finished (a download). */
  finished: boolean;
  request: (id: string) => Call;
  /** The status its owner (and an admin) get. */
  ok: number;
}

const CASES: MethodCase[] = [
  { name: 'tus HEAD', protocol: 'tus', finished: false, request: (id) => ({ method: 'HEAD', path: `/files/${id}`, headers: TUS }), ok: 200 },
  {
    name: 'tus PATCH',
    protocol: 'tus',
    finished: false,
    request: (id) => ({ method: 'PATCH', path: `/files/${id}`, headers: { ...TUS, ...OCTET, 'Upload-Offset': '0' }, body: Buffer.from('012') }),
    ok: 204,
  },
  { name: 'tus GET (download)', protocol: 'tus', finished: true, request: (id) => ({ method: 'GET', path: `/files/${id}` }), ok: 200 },
  {
    name: 'tus GET (download, a range)',
    protocol: 'tus',
    finished: true,
    request: (id) => ({ method: 'GET', path: `/files/${id}`, headers: { Range: 'bytes=0-1' } }),
    ok: 206,
  },
  { name: 'tus DELETE', protocol: 'tus', finished: false, request: (id) => ({ method: 'DELETE', path: `/files/${id}`, headers: TUS }), ok: 204 },
  {
    name: 'tus DELETE via X-HTTP-Method-Override',
    protocol: 'tus',
    finished: false,
    request: (id) => ({ method: 'POST', path: `/files/${id}`, headers: { ...TUS, 'X-HTTP-Method-Override': 'DELETE' } }),
    ok: 204,
  },
  {
    name: 'IETF offset retrieval (HEAD)',
    protocol: 'ietf',
    finished: false,
    request: (id) => ({ method: 'HEAD', path: `/files/${id}`, headers: IETF }),
    ok: 204,
  },
  {
    name: 'IETF offset retrieval (GET)',
    protocol: 'ietf',
    finished: false,
    request: (id) => ({ method: 'GET', path: `/files/${id}`, headers: IETF }),
    ok: 204,
  },
  {
    name: 'IETF append',
    protocol: 'ietf',
    finished: false,
    request: (id) => ({
      method: 'PATCH',
      path: `/files/${id}`,
      headers: { ...IETF, 'Content-Type': 'application/partial-upload', 'Upload-Offset': '0', 'Upload-Complete': '?0' },
      body: Buffer.from('012'),
    }),
    ok: 204,
  },
  { name: 'IETF cancellation', protocol: 'ietf', finished: false, request: (id) => ({ method: 'DELETE', path: `/files/${id}`, headers: IETF }), ok: 204 },
];

describe('another owner gets 404, exactly as for a missing upload', () => {
  for (const testCase of CASES) {
    for (const stranger of ['bob', 'anonymous'] as const) {
      test(`${testCase.name}, as ${stranger}`, async () => {
        const id = await create('alice', testCase.protocol, testCase.finished);
        const theirs = await send(ferry, stranger, testCase.request(id));
        const missing = await send(ferry, stranger, testCase.request(missingUploadId()));
        assertSameAsMissing(theirs, missing, testCase.name);
        // Nothing changed: the owner still finds it as it was.
        const head = await send(ferry, 'alice', { method: 'HEAD', path: `/files/${id}`, headers: testCase.protocol === 'tus' ? TUS : IETF });
        assert.equal(head.status, testCase.protocol === 'tus' ? 200 : 204);
        assert.equal(head.headers['upload-offset'], testCase.finished ? String(CONTENT.length) : '0');
      });
    }
  }
});

describe('the owner and an admin succeed', () => {
  for (const testCase of CASES) {
    for (const who of ['alice', ADMIN] as const) {
      test(`${testCase.name}, as ${typeof who === 'string' ? who : 'admin'}`, async () => {
        const id = await create('alice', testCase.protocol, testCase.finished);
        const response = await send(ferry, who, testCase.request(id));
        assert.equal(response.status, testCase.ok, response.body.toString());
      });
    }
  }

  test('an anonymous upload is visible to anonymous requests (authentication off), not to an owner', async () => {
    const id = await create('anonymous', 'tus', false);
    assert.equal((await send(ferry, 'anonymous', { method: 'HEAD', path: `/files/${id}`, headers: TUS })).status, 200);
    assert.equal((await send(ferry, 'alice', { method: 'HEAD', path: `/files/${id}`, headers: TUS })).status, 404);
    assert.equal((await ferry.ferry.store.readUpload(id)).owner, undefined);
  });
});

describe('the owner is recorded at creation', () => {
  const creations: Array<[string, 'tus' | 'ietf', boolean]> = [
    ['tus creation', 'tus', false],
    ['tus creation-with-upload', 'tus', true],
    ['IETF creation', 'ietf', false],
    ['IETF creation with the whole content', 'ietf', true],
  ];
  for (const [name, protocol, finished] of creations) {
    test(name, async () => {
      const id = await create('alice', protocol, finished);
      assert.equal((await ferry.ferry.store.readUpload(id)).owner, 'alice');
    });
  }
});

describe("concatenation: every partial must be the final's owner's", () => {
  async function partial(who: Who): Promise<string> {
    const response = await send(ferry, who, {
      method: 'POST',
      path: '/files/',
      headers: { ...TUS, ...OCTET, 'Upload-Concat': 'partial', 'Upload-Length': '3' },
      body: Buffer.from('abc'),
    });
    assert.equal(response.status, 201, response.body.toString());
    return (response.headers.location as string).split('/').pop()!;
  }
  const final = (ids: string[]): Call => ({
    method: 'POST',
    path: '/files/',
    headers: { ...TUS, 'Upload-Concat': `final;${ids.map((id) => `/files/${id}`).join(' ')}` },
  });

  for (const who of ['bob', ADMIN, 'anonymous'] as const) {
    test(`a final of ${typeof who === 'string' ? who : 'an admin'} naming alice's partial is answered as if it did not exist`, async () => {
      const alices = await partial('alice');
      const own = await partial(who);
      const missingId = missingUploadId();
      const theirs = await send(ferry, who, final([own, alices]));
      const missing = await send(ferry, who, final([own, missingId]));
      assertSameAsMissing(theirs, missing, 'final', (body) => body.replaceAll(alices, missingId));
      assert.equal(JSON.parse(theirs.body.toString()).error.code, 'UPLOAD_CONCAT_PART_NOT_FOUND');
    });
  }

  test("a final of the partials' owner is built, and is theirs", async () => {
    const response = await send(ferry, 'alice', final([await partial('alice'), await partial('alice')]));
    assert.equal(response.status, 201, response.body.toString());
    const id = (response.headers.location as string).split('/').pop()!;
    const upload = await ferry.ferry.store.readUpload(id);
    assert.deepEqual([upload.owner, upload.offset, upload.size], ['alice', 6, 6]);
    assert.equal((await send(ferry, 'bob', { method: 'HEAD', path: `/files/${id}`, headers: TUS })).status, 404);
  });
});
