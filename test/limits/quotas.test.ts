import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createLimits, type Limits, statfsFreeSpace, storedUploads } from '../../src/limits/index.js';
import { createUpload, OCTET, patch, startFerry, type TestFerry, TUS } from '../http/harness.js';

/** A single-process ferry's quota ledger (in memory, synchronous). */
const localLedger = (test: TestFerry) => (test.ferry.limits as Limits).ledger;

const OFF = { minFreeBytes: 0 };

async function post(test: Awaited<ReturnType<typeof startFerry>>, headers: Record<string, string>) {
  return test
    .http()
    .post('/files/')
    .set({ ...TUS, ...headers });
}

test('FERRY_QUOTA_BYTES: a creation exactly at the quota passes, one byte over is refused; deleting frees it', async () => {
  const ferry = await startFerry({ quotaBytes: 100, ...OFF });
  await createUpload(ferry, { 'Upload-Length': '60' });
  const last = await createUpload(ferry, { 'Upload-Length': '40' });
  const over = await post(ferry, { 'Upload-Length': '1' });
  assert.equal(over.status, 403);
  assert.deepEqual(over.body.error, { code: 'QUOTA_BYTES_EXCEEDED', message: over.body.error.message, limit: 100, used: 100 });
  assert.equal((await ferry.http().delete(last).set(TUS)).status, 204);
  await createUpload(ferry, { 'Upload-Length': '40' });
  assert.equal((await post(ferry, { 'Upload-Length': '1' })).status, 403);
});

test('FERRY_QUOTA_UPLOADS: of N racing creations exactly the quota succeed; a finished upload frees its slot', async () => {
  const ferry = await startFerry({ quotaUploads: 3, ...OFF });
  const statuses = await Promise.all(Array.from({ length: 12 }, () => post(ferry, { 'Upload-Length': '2' }).then((response) => response.status)));
  assert.equal(statuses.filter((status) => status === 201).length, 3, String(statuses));
  assert.equal(statuses.filter((status) => status === 403).length, 9);
  const refused = await post(ferry, { 'Upload-Length': '2' });
  assert.equal(refused.body.error.code, 'QUOTA_UPLOADS_EXCEEDED');
  assert.equal(refused.body.error.used, 3);
  const [id] = localLedger(ferry).ids();
  assert.equal((await patch(ferry, `/files/${id}`, 0, Buffer.from('ok'))).status, 204);
  await createUpload(ferry, { 'Upload-Length': '2' });
});

test('FERRY_QUOTA_BYTES racing creations: exactly as many as fit are admitted', async () => {
  const ferry = await startFerry({ quotaBytes: 50, ...OFF });
  const statuses = await Promise.all(Array.from({ length: 10 }, () => post(ferry, { 'Upload-Length': '10' }).then((response) => response.status)));
  assert.equal(statuses.filter((status) => status === 201).length, 5, String(statuses));
});

test('a deferred length counts the bytes received; a PATCH stops at the quota and keeps what arrived', async () => {
  const ferry = await startFerry({ quotaBytes: 10, ...OFF });
  const path = await createUpload(ferry, { 'Upload-Defer-Length': '1' });
  assert.equal((await patch(ferry, path, 0, Buffer.from('abcdef'))).status, 204);
  assert.equal((await post(ferry, { 'Upload-Length': '5' })).status, 403);
  await createUpload(ferry, { 'Upload-Length': '3' });
  // 6 + 3 used: one byte left for the deferred upload.
  const stopped = await patch(ferry, path, 6, Buffer.from('ghij'));
  assert.equal(stopped.status, 403);
  assert.equal(stopped.body.error.code, 'QUOTA_BYTES_EXCEEDED');
  assert.equal(stopped.headers['upload-offset'], '7');
  const head = await ferry.http().head(path).set(TUS);
  assert.equal(head.headers['upload-offset'], '7');
  // Declaring a length beyond the quota is refused before it is recorded.
  const declared = await ferry
    .http()
    .patch(path)
    .set({ ...TUS, ...OCTET, 'Upload-Offset': '7', 'Upload-Length': '20' })
    .send(Buffer.alloc(0));
  assert.equal(declared.status, 403);
  assert.equal((await ferry.http().head(path).set(TUS)).headers['upload-defer-length'], '1');
  // A declaration within it is recorded and completes the upload.
  const finished = await ferry
    .http()
    .patch(path)
    .set({ ...TUS, ...OCTET, 'Upload-Offset': '7', 'Upload-Length': '7' })
    .send(Buffer.alloc(0));
  assert.equal(finished.status, 204);
  assert.deepEqual(localLedger(ferry).usage(undefined), { bytes: 10, uploads: 1 });
});

test('the quotas are rebuilt from the store at start-up', async () => {
  const ferry = await startFerry({ quotaBytes: 1000, ...OFF });
  await createUpload(ferry, { 'Upload-Length': '100' });
  const deferred = await createUpload(ferry, { 'Upload-Defer-Length': '1' });
  await patch(ferry, deferred, 0, Buffer.from('12345'));
  const finished = await createUpload(ferry, { 'Upload-Length': '3' });
  await patch(ferry, finished, 0, Buffer.from('xyz'));
  const rebuilt = createLimits({
    quotaBytes: 1000,
    quotaUploads: 0,
    minFreeBytes: 0,
    freeSpace: statfsFreeSpace(ferry.config.dataDir),
    createsPerMinute: 0,
    requestsPerSecond: 0,
    concurrentPatches: 0,
    authFailuresPerMinute: 0,
  });
  await rebuilt.rebuild(storedUploads(ferry.config.dataDir, ferry.ferry.store));
  assert.deepEqual(rebuilt.ledger.usage(undefined), { bytes: 108, uploads: 2 });
  assert.deepEqual(rebuilt.ledger.usage(undefined), localLedger(ferry).usage(undefined));
});

test('the ledger keys quotas by owner: one owner at its quota does not hold back another', async () => {
  const ferry = await startFerry({ quotaBytes: 10, ...OFF });
  const ledger = localLedger(ferry);
  ledger.reserve('alice', 10).commit('a1');
  assert.throws(() => ledger.reserve('alice', 1), { code: 'QUOTA_BYTES_EXCEEDED' });
  ledger.reserve('bob', 10).commit('b1');
  const cancelled = ledger.reserve(undefined, 4);
  cancelled.cancel();
  assert.deepEqual(ledger.usage(undefined), { bytes: 0, uploads: 0 });
  assert.equal(ledger.isUnfinished('a1', 'alice'), true);
  assert.equal(ledger.isUnfinished('a1', 'bob'), false);
});

test('an expired upload gives its bytes and its slot back', async () => {
  const ferry = await startFerry({ quotaBytes: 10, quotaUploads: 1, uploadExpiresMs: 1, expirySweepMs: 1000, ...OFF });
  await createUpload(ferry, { 'Upload-Length': '10' });
  assert.deepEqual(localLedger(ferry).usage(undefined), { bytes: 10, uploads: 1 });
  const deadline = Date.now() + 10_000;
  while (localLedger(ferry).usage(undefined).uploads > 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  assert.deepEqual(localLedger(ferry).usage(undefined), { bytes: 0, uploads: 0 });
  await createUpload(ferry, { 'Upload-Length': '10' });
});

test('IETF creations count against the same quota', async () => {
  const ferry = await startFerry({ quotaBytes: 10, ...OFF });
  await createUpload(ferry, { 'Upload-Length': '4' });
  const ietf = { 'Upload-Draft-Interop-Version': '6', 'Upload-Complete': '?0', 'Content-Length': '0' };
  assert.equal(
    (
      await ferry
        .http()
        .post('/files/')
        .set({ ...ietf, 'Upload-Length': '6' })
    ).status,
    201,
  );
  const refused = await ferry
    .http()
    .post('/files/')
    .set({ ...ietf, 'Upload-Length': '1' });
  assert.equal(refused.status, 403);
  assert.equal(refused.body.error.code, 'QUOTA_BYTES_EXCEEDED');
});
