import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { RequestScope } from '../../src/http/authorize.js';
import { createDownloadLinks, type DownloadLink } from '../../src/http/files/download-links.js';
import { OCTET, TUS } from '../http/harness.js';
import { ADMIN, assertSameAsMissing, jsonOf, missingUploadId, send, startOwnedFerry, type Who } from './harness.js';

const SECRET = 'a-test-secret-of-at-least-32-characters';
const scopes: RequestScope[] = [];
const ferry = await startOwnedFerry({ linkSecret: SECRET, linkTtlSeconds: 60 }, { authorize: (scope) => void scopes.push(scope) });
const CONTENT = Buffer.from('the bytes of a finished upload');

async function upload(who: Who, finished = true): Promise<string> {
  const response = await send(ferry, who, {
    method: 'POST',
    path: '/files/',
    headers: finished ? { ...TUS, ...OCTET, 'Upload-Length': String(CONTENT.length) } : { ...TUS, 'Upload-Length': '100' },
    body: finished ? CONTENT : undefined,
  });
  assert.equal(response.status, 201, response.body.toString());
  return (response.headers.location as string).split('/').pop()!;
}

const mintLink = (who: Who, id: string) => send(ferry, who, { method: 'POST', path: `/files/${id}/link` });

/** GET a link's URL with no credentials at all. */
const follow = (url: string) => send(ferry, 'anonymous', { method: 'GET', path: url });

function errorCode(response: { body: Buffer }): string {
  return jsonOf<{ error: { code: string } }>(response).error.code;
}

describe('signed download links', async () => {
  const id = await upload('alice');

  test('the owner mints one; it downloads without credentials until it expires', async () => {
    const before = Math.floor(Date.now() / 1000);
    const response = await mintLink('alice', id);
    assert.equal(response.status, 200, response.body.toString());
    assert.equal(response.headers['cache-control'], 'no-store');
    const link = jsonOf<DownloadLink>(response);
    const url = new URL(link.url, 'http://x');
    assert.equal(url.pathname, `/files/${id}`);
    const expires = Number(url.searchParams.get('expires'));
    assert.ok(expires >= before + 60 && expires <= before + 61, `expires in the TTL: ${expires - before}`);
    assert.equal(link.expiresAt, new Date(expires * 1000).toISOString());
    assert.match(url.searchParams.get('signature') ?? '', /^[A-Za-z0-9_-]{43}$/);

    const download = await follow(link.url);
    assert.equal(download.status, 200, download.body.toString());
    assert.deepEqual(download.body, CONTENT);
    const range = await send(ferry, 'anonymous', { method: 'GET', path: link.url, headers: { Range: 'bytes=4-8' } });
    assert.equal(range.status, 206);
    assert.equal(range.body.toString(), 'bytes');
    // Without the link the same request is another owner's: 404.
    assert.equal((await follow(`/files/${id}`)).status, 404);
  });

  test('an admin may mint one too', async () => {
    const response = await mintLink(ADMIN, id);
    assert.equal(response.status, 200);
    assert.equal((await follow(jsonOf<DownloadLink>(response).url)).status, 200);
  });

  test('minting goes through the authorization step as a download of that upload', async () => {
    scopes.length = 0;
    await mintLink('alice', id);
    assert.deepEqual(scopes, [{ kind: 'upload', protocol: 'tus', action: 'download', uploadId: id }]);
  });

  test('following a link does not call the authorization step: the link is the credential', async () => {
    const { url } = jsonOf<DownloadLink>(await mintLink('alice', id));
    scopes.length = 0;
    assert.equal((await follow(url)).status, 200);
    assert.deepEqual(scopes, []);
  });

  for (const stranger of ['bob', 'anonymous'] as const) {
    test(`${stranger} cannot mint one for alice's upload: 404 exactly as a missing upload`, async () => {
      assertSameAsMissing(await mintLink(stranger, id), await mintLink(stranger, missingUploadId()), 'POST /files/:id/link');
    });
  }

  test('an unfinished upload has no link (409), an invalid id none either (404)', async () => {
    const unfinished = await mintLink('alice', await upload('alice', false));
    assert.deepEqual([unfinished.status, errorCode(unfinished)], [409, 'UPLOAD_NOT_FINISHED']);
    const invalid = await mintLink('alice', 'not-an-id');
    assert.deepEqual([invalid.status, errorCode(invalid)], [404, 'UPLOAD_NOT_FOUND']);
  });

  test('the link resource: Allow lists POST and OPTIONS', async () => {
    const get = await send(ferry, 'alice', { method: 'GET', path: `/files/${id}/link` });
    assert.deepEqual([get.status, get.headers.allow], [405, 'POST, OPTIONS']);
    assert.equal((await send(ferry, 'anonymous', { method: 'OPTIONS', path: `/files/${id}/link` })).status, 204);
  });

  const other = await upload('alice');
  const valid = new URL(jsonOf<DownloadLink>(await mintLink('alice', id)).url, 'http://x');
  const expires = valid.searchParams.get('expires')!;
  const signature = valid.searchParams.get('signature')!;
  const flip = (text: string, at: number) => text.slice(0, at) + (text[at] === 'A' ? 'B' : 'A') + text.slice(at + 1);
  const expired = createDownloadLinks({ secret: SECRET, ttlSeconds: 60, publicUrl: '', now: () => Date.now() - 3_600_000 }).mint(id);
  const otherKey = createDownloadLinks({ secret: '', ttlSeconds: 60, publicUrl: '' }).mint(id);

  const refusals: Array<[name: string, url: string, code: string]> = [
    ['expired (signed with the right key)', expired.url, 'LINK_EXPIRED'],
    ['another upload id', `/files/${other}?expires=${expires}&signature=${signature}`, 'LINK_INVALID'],
    ['a later expiry', `/files/${id}?expires=${Number(expires) + 3600}&signature=${signature}`, 'LINK_INVALID'],
    ['a signature with its first character changed', `/files/${id}?expires=${expires}&signature=${flip(signature, 0)}`, 'LINK_INVALID'],
    ['a signature with its last character changed', `/files/${id}?expires=${expires}&signature=${flip(signature, 42)}`, 'LINK_INVALID'],
    ['signed with another key', otherKey.url, 'LINK_INVALID'],
    ['no signature', `/files/${id}?expires=${expires}`, 'LINK_INVALID'],
    ['no expiry', `/files/${id}?signature=${signature}`, 'LINK_INVALID'],
    ['an invalid upload id', `/files/nope?expires=${expires}&signature=${signature}`, 'LINK_INVALID'],
  ];
  for (const [name, url, code] of refusals) {
    test(`a link with ${name}: 403 ${code}`, async () => {
      const response = await follow(url);
      assert.deepEqual([response.status, errorCode(response)], [403, code]);
    });
  }

  test('a link signed with the configured key survives a new process (same FERRY_LINK_SECRET)', async () => {
    const link = createDownloadLinks({ secret: SECRET, ttlSeconds: 60, publicUrl: '' }).mint(id);
    assert.equal((await follow(link.url)).status, 200);
  });

  test('a link to an upload deleted since is 404', async () => {
    const doomed = await upload('alice');
    const { url } = jsonOf<DownloadLink>(await mintLink('alice', doomed));
    assert.equal((await send(ferry, 'alice', { method: 'DELETE', path: `/files/${doomed}`, headers: TUS })).status, 204);
    assert.equal((await follow(url)).status, 404);
  });
});
