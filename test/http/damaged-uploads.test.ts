import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readdir, readFile, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import { makeTempDir } from '../support/temp-dir.js';
import { waitFor } from '../support/tus-requests.js';
import { OCTET, rawRequest, startFerry, type TestFerry, TUS } from './harness.js';

const IETF = { 'Upload-Draft-Interop-Version': '8' } as const;
const LONG_AGO = '2020-01-01T00:00:00.000Z';

const test: TestFerry = await startFerry();

function newId(): string {
  return randomBytes(16).toString('hex');
}

function infoOf(id: string, size: number, creationDate = new Date().toISOString()): string {
  return JSON.stringify({ id, size, creation_date: creationDate });
}

/** Writes an upload's files straight into the data dir (as a full disk or an intruder leaves them); resolves with its id. */
async function plant(dataDir: string, info: (id: string) => string, data: string): Promise<string> {
  const id = newId();
  await writeFile(path.join(dataDir, id), data);
  await writeFile(path.join(dataDir, `${id}.json`), info(id));
  return id;
}

async function outsideFile(content: string): Promise<string> {
  const file = path.join(await makeTempDir(), 'outside');
  await writeFile(file, content);
  return file;
}

async function filesOf(target: TestFerry, id: string): Promise<string[]> {
  return (await readdir(target.config.dataDir)).filter((name) => name.startsWith(id)).sort();
}

async function damagedCount(target: TestFerry, code: string): Promise<number> {
  const text = (await target.http().get('/metrics')).text;
  const line = text.split('\n').find((entry) => entry.startsWith(`ferry_uploads_damaged_total{code="${code}"}`));
  return line === undefined ? 0 : Number(line.split(' ')[1]);
}

function logLines(target: TestFerry, message: string, id: string) {
  return target.logs.filter((entry) => entry.msg === message && entry.uploadId === id);
}

/** Every request a client may send on an upload, tus and IETF: each must be refused with `code`, never served, never 500. */
async function assertRefusedEverywhere(id: string, code: string, tail: number): Promise<void> {
  const url = `/files/${id}`;
  const head = await test.http().head(url).set(TUS);
  assert.equal(head.status, 410, 'tus HEAD');
  assert.equal(head.headers['content-type'], 'application/json');
  const requests = [
    {
      name: 'tus PATCH',
      send: () =>
        test
          .http()
          .patch(url)
          .set({ ...TUS, ...OCTET, 'Upload-Offset': String(tail) })
          .send('evil'),
    },
    { name: 'GET', send: () => test.http().get(url) },
    { name: 'IETF offset (GET)', send: () => test.http().get(url).set(IETF) },
    {
      name: 'IETF append',
      send: () =>
        test
          .http()
          .patch(url)
          .set({ ...IETF, 'Content-Type': 'application/partial-upload', 'Upload-Offset': String(tail), 'Upload-Complete': '?0' })
          .send('evil'),
    },
  ];
  for (const { name, send } of requests) {
    const response = await send();
    assert.equal(response.status, 410, `${name}: ${response.text}`);
    assert.equal(response.headers['content-type'], 'application/json', name);
    const body = JSON.parse(response.text) as { error: { code: string; message: string } };
    assert.equal(body.error.code, code, name);
    assert.match(body.error.message, /DELETE removes it/, name);
    assert.doesNotMatch(response.text, /secret/, name);
  }
  assert.equal((await test.http().head(url).set(IETF)).status, 410, 'IETF HEAD');
}

describe('a damaged info file (empty, truncated, garbage)', () => {
  for (const [what, info] of [
    ['empty', () => ''],
    ['truncated', (id: string) => infoOf(id, 3).slice(0, 25)],
    ['garbage', () => 'ÿþ\u0000garbage'],
  ] as const) {
    it(`${what}: HEAD, PATCH, GET (tus and IETF) answer 410 UPLOAD_INFO_DAMAGED, logged and counted once; DELETE removes it`, async () => {
      const before = await damagedCount(test, 'UPLOAD_INFO_DAMAGED');
      const id = await plant(test.config.dataDir, info, 'abc');
      await assertRefusedEverywhere(id, 'UPLOAD_INFO_DAMAGED', 3);
      assert.equal(await readFile(path.join(test.config.dataDir, id), 'utf8'), 'abc', 'nothing appended');
      const lines = logLines(test, 'damaged upload refused', id);
      assert.equal(lines.length, 1);
      assert.equal(lines[0].code, 'UPLOAD_INFO_DAMAGED');
      // Nothing of the file's content is logged (a JSON parse error's message quotes it).
      assert.doesNotMatch(JSON.stringify(lines), /garbage/);
      assert.equal(await damagedCount(test, 'UPLOAD_INFO_DAMAGED'), before + 1);

      const deleted = await test.http().delete(`/files/${id}`).set(TUS);
      assert.equal(deleted.status, 204);
      assert.deepEqual(await filesOf(test, id), []);
      assert.equal((await test.http().head(`/files/${id}`).set(TUS)).status, 404);
    });
  }

  it('an IETF DELETE (cancellation) removes it too', async () => {
    const id = await plant(test.config.dataDir, () => '{"id":', 'abc');
    assert.equal((await test.http().delete(`/files/${id}`).set(IETF)).status, 204);
    assert.deepEqual(await filesOf(test, id), []);
  });

  it('no request on it is ever a 500', async () => {
    const id = await plant(test.config.dataDir, () => '', '');
    const statuses = [];
    for (const method of ['HEAD', 'GET', 'PATCH', 'OPTIONS'] as const) {
      statuses.push((await rawRequest(test.baseUrl, method, `/files/${id}`, { ...TUS, ...OCTET, 'Upload-Offset': '0' })).status);
    }
    assert.ok(
      statuses.every((status) => status < 500),
      `statuses: ${statuses}`,
    );
  });
});

describe('symlinks in the data dir are never followed', () => {
  it('a data file that is a symlink: every request is 410 UPLOAD_FILE_UNSAFE, nothing of the outside file is served or changed; DELETE removes the link only', async () => {
    const outside = await outsideFile('secret-bytes');
    const id = newId();
    await writeFile(path.join(test.config.dataDir, `${id}.json`), infoOf(id, 12));
    await symlink(outside, path.join(test.config.dataDir, id));
    await assertRefusedEverywhere(id, 'UPLOAD_FILE_UNSAFE', 12);
    assert.equal(await readFile(outside, 'utf8'), 'secret-bytes');

    assert.equal((await test.http().delete(`/files/${id}`).set(TUS)).status, 204);
    assert.deepEqual(await filesOf(test, id), []);
    assert.equal(await readFile(outside, 'utf8'), 'secret-bytes');
  });

  it('an unfinished upload whose data file is a symlink takes no PATCH: the outside file keeps its bytes', async () => {
    const outside = await outsideFile('secret');
    const id = newId();
    await writeFile(path.join(test.config.dataDir, `${id}.json`), infoOf(id, 100));
    await symlink(outside, path.join(test.config.dataDir, id));
    const response = await test
      .http()
      .patch(`/files/${id}`)
      .set({ ...TUS, ...OCTET, 'Upload-Offset': '6' })
      .send('appended');
    assert.equal(response.status, 410);
    assert.equal(JSON.parse(response.text).error.code, 'UPLOAD_FILE_UNSAFE');
    assert.equal(await readFile(outside, 'utf8'), 'secret');
  });

  it('an info file that is a symlink (to a valid info file): every request is 410 UPLOAD_FILE_UNSAFE; DELETE removes the link only', async () => {
    const id = newId();
    const outsideInfo = infoOf(id, 3);
    const outside = await outsideFile(outsideInfo);
    await writeFile(path.join(test.config.dataDir, id), 'abc');
    await symlink(outside, path.join(test.config.dataDir, `${id}.json`));
    await assertRefusedEverywhere(id, 'UPLOAD_FILE_UNSAFE', 3);
    assert.equal((await test.http().delete(`/files/${id}`).set(TUS)).status, 204);
    assert.deepEqual(await filesOf(test, id), []);
    assert.equal(await readFile(outside, 'utf8'), outsideInfo);
  });
});

describe('the expiry sweep and the start-up scans meet damaged uploads', () => {
  it('the sweep quarantines a damaged upload once, with one log line, and later passes stay quiet', async () => {
    const swept = await startFerry({ uploadExpiresMs: 60_000, expirySweepMs: 20 });
    const id = await plant(swept.config.dataDir, () => 'not json', 'abc');
    const quarantine = path.join(swept.config.dataDir, 'quarantine');
    await waitFor('the sweep to quarantine it', async () => (await filesOf(swept, id)).length === 0);
    assert.deepEqual((await readdir(quarantine)).sort(), [id, `${id}.json`]);
    // Two more passes, each proven by an expired upload it deleted.
    for (let pass = 0; pass < 2; pass += 1) {
      const expired = await plant(swept.config.dataDir, (expiredId) => infoOf(expiredId, 10, LONG_AGO), 'abc');
      await waitFor('a later sweep', async () => (await filesOf(swept, expired)).length === 0);
    }
    assert.equal(logLines(swept, 'damaged upload quarantined', id).length, 1);
    assert.equal(logLines(swept, 'damaged upload refused', id).length, 0);
    assert.deepEqual(
      swept.logs.filter((entry) => entry.msg === 'store error' || entry.msg === 'expiry sweep failed'),
      [],
    );
    assert.equal(await damagedCount(swept, 'UPLOAD_INFO_DAMAGED'), 1);
    assert.equal((await swept.http().head(`/files/${id}`).set(TUS)).status, 404);
  });

  it('a damaged upload in the data dir at start-up: ferry starts, the import and final scans skip it, one log line', async () => {
    const dataDir = await makeTempDir();
    const id = await plant(dataDir, () => '{"id":"trunc', 'a,b\n1,2\n');
    const started = await startFerry({ dataDir });
    assert.equal((await started.http().get('/healthz')).status, 200);
    await waitFor('the import scan to meet it', () => logLines(started, 'damaged upload refused', id).length > 0);
    assert.equal((await started.http().head(`/files/${id}`).set(TUS)).status, 410);
    assert.equal(logLines(started, 'damaged upload refused', id).length, 1);
    assert.deepEqual(
      started.logs.filter((entry) => Number(entry.level) >= 50),
      [],
    );
  });
});
