import assert from 'node:assert/strict';
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import { makeTempDir } from '../support/temp-dir.js';
import { OCTET, rawRequest, startFerry, TUS } from './harness.js';

// The data dir is <root>/data; sentinels sit one level up, where `../sentinel` would point.
const root = await makeTempDir();
const test = await startFerry({ dataDir: path.join(root, 'data') });
const SENTINEL = 'do not touch';
await writeFile(path.join(root, 'sentinel'), SENTINEL);
await writeFile(path.join(root, 'sentinel.json'), SENTINEL);
const sentinelTimes = await Promise.all(['sentinel', 'sentinel.json'].map(async (name) => (await stat(path.join(root, name))).mtimeMs));

const HOSTILE_IDS = [
  '..',
  '%2e%2e',
  '..%2Fsentinel',
  '%2e%2e%2Fsentinel',
  '%2e%2e%2fsentinel',
  '..%5Csentinel',
  '%2e%2e%5csentinel',
  'sentinel%00',
  '%00',
  '..%2F..%2Fsentinel',
  '%2F..%2Fsentinel',
  '....%2F%2Fsentinel',
];
const REQUESTS: { method: string; headers: Record<string, string>; body?: Buffer }[] = [
  { method: 'HEAD', headers: TUS },
  { method: 'GET', headers: {} },
  { method: 'PATCH', headers: { ...TUS, ...OCTET, 'Upload-Offset': '0' }, body: Buffer.from('overwrite') },
  { method: 'DELETE', headers: TUS },
  { method: 'POST', headers: { ...TUS, ...OCTET, 'Upload-Offset': '0', 'X-HTTP-Method-Override': 'PATCH' }, body: Buffer.from('overwrite') },
];

describe('upload ids never reach outside the data dir', () => {
  for (const id of HOSTILE_IDS) {
    for (const { method, headers, body } of REQUESTS) {
      it(`${method} /files/${id} is a 404 JSON error`, async () => {
        const response = await rawRequest(test.baseUrl, method, `/files/${id}`, headers, body);
        assert.equal(response.status, 404);
        assert.equal(response.headers['content-type'], 'application/json');
        if (method !== 'HEAD') assert.match(JSON.parse(response.body.toString()).error.code, /^(UPLOAD|HTTP)_NOT_FOUND$/);
      });
    }
  }

  it('a literal ../ in the path is normalised away, not served', async () => {
    const response = await rawRequest(test.baseUrl, 'GET', '/files/../sentinel');
    assert.equal(response.status, 404);
    assert.equal(response.headers['content-type'], 'application/json');
  });

  it('left the sentinels untouched and created nothing beside the data dir', async () => {
    for (const [index, name] of ['sentinel', 'sentinel.json'].entries()) {
      assert.equal(await readFile(path.join(root, name), 'utf8'), SENTINEL);
      assert.equal((await stat(path.join(root, name))).mtimeMs, sentinelTimes[index]);
    }
    assert.deepEqual((await readdir(root)).sort(), ['data', 'sentinel', 'sentinel.json']);
    assert.deepEqual(await readdir(path.join(root, 'data')), []);
  });
});
