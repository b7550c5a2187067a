import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createUpload, patch, startFerry, TUS } from '../http/harness.js';

const MIN_FREE = 1000;

/** A ferry whose data directory has `room` bytes above the guard, by an injected free-space function. */
async function ferryWithRoom(room: { bytes: number }) {
  return startFerry({ minFreeBytes: MIN_FREE }, { limits: { freeSpace: async () => MIN_FREE + room.bytes, freeSpaceCacheMs: 0 } });
}

test('the disk guard refuses a creation that would go below FERRY_MIN_FREE_BYTES (507), exactly at it passes', async () => {
  const room = { bytes: 100 };
  const ferry = await ferryWithRoom(room);
  await createUpload(ferry, { 'Upload-Length': '100' });
  const refused = await ferry
    .http()
    .post('/files/')
    .set({ ...TUS, 'Upload-Length': '101' });
  assert.equal(refused.status, 507);
  assert.equal(refused.body.error.code, 'DISK_FULL');
  assert.equal(refused.headers['tus-resumable'], '1.0.0');
  room.bytes = 0;
  assert.equal(
    (
      await ferry
        .http()
        .post('/files/')
        .set({ ...TUS, 'Upload-Defer-Length': '1' })
    ).status,
    507,
  );
});

test('a PATCH stops at the guard, keeps what arrived, says how far it got, and resumes once there is room', async () => {
  const room = { bytes: 1_000_000 };
  const ferry = await ferryWithRoom(room);
  const content = Buffer.from('0123456789'.repeat(8));
  const path = await createUpload(ferry, { 'Upload-Length': String(content.length) });
  room.bytes = 50;
  const stopped = await patch(ferry, path, 0, content);
  assert.equal(stopped.status, 507);
  assert.equal(stopped.body.error.code, 'DISK_FULL');
  assert.equal(stopped.headers['upload-offset'], '50');
  assert.equal((await ferry.http().head(path).set(TUS)).headers['upload-offset'], '50');
  // No room at all: nothing is stored, the offset stays.
  room.bytes = 0;
  const none = await patch(ferry, path, 50, content.subarray(50));
  assert.equal(none.status, 507);
  assert.equal(none.headers['upload-offset'], '50');
  room.bytes = 1_000_000;
  assert.equal((await patch(ferry, path, 50, content.subarray(50))).status, 204);
  const download = await ferry.http().get(path).buffer(true);
  assert.deepEqual(Buffer.from(download.body as Buffer), content);
});

test('an IETF append with Upload-Complete: ?1 stopped by the guard does not complete the upload', async () => {
  const room = { bytes: 1_000_000 };
  const ferry = await ferryWithRoom(room);
  const created = await ferry.http().post('/files/').set({ 'Upload-Draft-Interop-Version': '6', 'Upload-Complete': '?0', 'Content-Length': '0' });
  assert.equal(created.status, 201, created.text);
  const path = new URL(created.headers.location as string, 'http://x').pathname;
  room.bytes = 10;
  const stopped = await ferry
    .http()
    .patch(path)
    .set({ 'Upload-Draft-Interop-Version': '6', 'Upload-Complete': '?1', 'Upload-Offset': '0', 'Content-Type': 'application/partial-upload' })
    .send(Buffer.alloc(30, 1));
  assert.equal(stopped.status, 507);
  const head = await ferry.http().head(path).set({ 'Upload-Draft-Interop-Version': '6' });
  assert.equal(head.headers['upload-offset'], '10');
  assert.equal(head.headers['upload-complete'], '?0');
});

test('the real statfs wiring: a FERRY_MIN_FREE_BYTES beyond the disk refuses every creation', async () => {
  const ferry = await startFerry({ minFreeBytes: 2 ** 52 });
  const refused = await ferry
    .http()
    .post('/files/')
    .set({ ...TUS, 'Upload-Length': '1' });
  assert.equal(refused.status, 507);
  assert.equal(refused.body.error.code, 'DISK_FULL');
  assert.equal(refused.body.error.required, undefined, 'a 5xx shows no details');
  const open = await startFerry({ minFreeBytes: 1 });
  await createUpload(open, { 'Upload-Length': '1' });
  assert.equal((await patch(open, await createUpload(open, { 'Upload-Length': '3' }), 0, Buffer.from('abc'))).status, 204);
});
