import assert from 'node:assert/strict';
import { request } from 'node:http';
import { test } from 'node:test';
import { createUpload, patch, startFerry, type TestFerry, TUS } from '../http/harness.js';

const OFF = { minFreeBytes: 0 };

/** Retries `attempt` until it resolves with a status other than 429, within `deadlineMs`. */
async function untilAllowed(attempt: () => Promise<{ status: number }>, deadlineMs = 5000): Promise<number> {
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    const { status } = await attempt();
    if (status !== 429 || Date.now() > deadline) return status;
    await new Promise((resolve) => setImmediate(resolve));
  }
}

function options(ferry: TestFerry) {
  return ferry.http().options('/files/').set(TUS);
}

test('requests per second: a burst beyond it gets 429 with Retry-After and the RateLimit fields, then passes again', async () => {
  const ferry = await startFerry({ rateRequestsPerSecond: 3, ...OFF }, { limits: { requestWindowMs: 300 } });
  const first = await options(ferry);
  assert.equal(first.status, 204);
  assert.equal(first.headers['ratelimit-policy'], '"requests";q=3;w=1');
  assert.match(first.headers.ratelimit, /^"requests";r=2;t=1$/);
  await options(ferry);
  await options(ferry);
  const refused = await options(ferry);
  assert.equal(refused.status, 429);
  assert.equal(refused.body.error.code, 'RATE_REQUESTS_EXCEEDED');
  assert.equal(refused.headers['retry-after'], '1');
  assert.equal(refused.headers['ratelimit-policy'], '"requests";q=3;w=1');
  assert.equal(refused.headers.ratelimit, '"requests";r=0;t=1');
  assert.equal(refused.headers['tus-resumable'], '1.0.0');
  assert.equal(await untilAllowed(() => options(ferry)), 204);
});

test('creations per minute: the next creation is refused (429) until the window ends', async () => {
  const ferry = await startFerry({ rateCreatesPerMinute: 2, ...OFF }, { limits: { createWindowMs: 300 } });
  await createUpload(ferry);
  const second = await ferry
    .http()
    .post('/files/')
    .set({ ...TUS, 'Upload-Length': '1' });
  assert.equal(second.status, 201);
  assert.equal(second.headers['ratelimit-policy'], '"creates";q=2;w=1');
  const refused = await ferry
    .http()
    .post('/files/')
    .set({ ...TUS, 'Upload-Length': '1' });
  assert.equal(refused.status, 429);
  assert.equal(refused.body.error.code, 'RATE_CREATES_EXCEEDED');
  assert.ok(Number(refused.headers['retry-after']) >= 1);
  // Other requests are not creations.
  assert.equal((await options(ferry)).status, 204);
  assert.equal(
    await untilAllowed(() =>
      ferry
        .http()
        .post('/files/')
        .set({ ...TUS, 'Upload-Length': '1' }),
    ),
    201,
  );
});

test('an upload in progress is never cut by the request limit: its PATCH and HEAD are one stream', async () => {
  const ferry = await startFerry({ rateRequestsPerSecond: 2, ...OFF }, { limits: { requestWindowMs: 60_000 } });
  const content = Buffer.from('resumable uploads are one stream');
  const path = await createUpload(ferry, { 'Upload-Length': String(content.length) });
  for (let offset = 0; offset < content.length; offset += 4) {
    assert.equal((await ferry.http().head(path).set(TUS)).status, 200);
    assert.equal((await patch(ferry, path, offset, content.subarray(offset, offset + 4))).status, 204);
  }
  // Finished now: it is no longer in progress, so its requests count again.
  assert.equal((await ferry.http().head(path).set(TUS)).status, 200);
  assert.equal((await ferry.http().head(path).set(TUS)).status, 429);
  // An id that is no upload in progress counts as any request.
  assert.equal((await ferry.http().head('/files/0123456789abcdef0123456789abcdef').set(TUS)).status, 429);
});

interface HeldPatch {
  /** Sends the rest of the body; resolves with the status. */
  end: () => Promise<number>;
  /** The status, whenever the server answers. */
  answered: Promise<number>;
}

/** A PATCH whose body is sent in part (one byte) and held open. */
function heldPatch(ferry: TestFerry, path: string, total: number): Promise<HeldPatch> {
  const { hostname, port } = new URL(ferry.baseUrl);
  return new Promise((resolve, reject) => {
    const pending = request({
      hostname,
      port,
      method: 'PATCH',
      path,
      headers: { ...TUS, 'Content-Type': 'application/offset+octet-stream', 'Upload-Offset': '0', 'Content-Length': String(total) },
    });
    const answered = new Promise<number>((done) => pending.on('response', (response) => done(response.statusCode ?? 0)));
    pending.on('error', () => undefined);
    pending.once('error', reject);
    pending.write(Buffer.alloc(1), () => {
      resolve({
        answered,
        end: async () => {
          pending.end(Buffer.alloc(total - 1));
          return answered;
        },
      });
    });
  });
}

test('concurrent PATCHes per subject: a second upload written at once is refused; the same upload takes over; the slot frees', async () => {
  const ferry = await startFerry({ rateConcurrentPatches: 1, ...OFF }, { lockDrainTimeoutMs: 0 });
  const first = await createUpload(ferry, { 'Upload-Length': '10' });
  const second = await createUpload(ferry, { 'Upload-Length': '10' });
  const held = await heldPatch(ferry, first, 10);
  // Wait until the held PATCH holds its slot (it has sent its first byte).
  const deadline = Date.now() + 5000;
  let refused = await patch(ferry, second, 0, Buffer.alloc(10));
  while (refused.status !== 429 && Date.now() < deadline) refused = await patch(ferry, second, 0, Buffer.alloc(10));
  assert.equal(refused.status, 429);
  assert.equal(refused.body.error.code, 'RATE_CONCURRENT_PATCHES_EXCEEDED');
  assert.equal(refused.headers['retry-after'], '1');
  assert.equal(await held.end(), 204);
  assert.equal((await patch(ferry, second, 0, Buffer.alloc(10))).status, 204);

  // Resuming the upload being written is never refused: it takes over the stalled PATCH's lock.
  const third = await createUpload(ferry, { 'Upload-Length': '10' });
  const stalled = await heldPatch(ferry, third, 10);
  const takeOver = await patch(ferry, third, 1, Buffer.alloc(9));
  assert.ok(takeOver.status === 204 || takeOver.status === 409, `not refused by the limit (got ${takeOver.status})`);
  assert.equal(await stalled.answered, 204);
  const offset = Number((await ferry.http().head(third).set(TUS)).headers['upload-offset']);
  if (offset < 10) assert.equal((await patch(ferry, third, offset, Buffer.alloc(10 - offset))).status, 204);
});
