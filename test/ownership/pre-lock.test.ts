import assert from 'node:assert/strict';
import { request } from 'node:http';
import { describe, it } from 'node:test';
import { OCTET, type RawResponse, TUS } from '../http/harness.js';
import { waitFor } from '../support/tus-requests.js';
import { as, type Call, send, startOwnedFerry } from './harness.js';

const KiB = 1024;
const SIZE = 128 * KiB;
const ROUNDS = 10;

const test = await startOwnedFerry();

interface StalledPatch {
  write: (data: Buffer) => Promise<void>;
  finish: (data: Buffer) => Promise<{ status: number; offset: string | undefined }>;
}

/** A PATCH as `owner` announcing the rest of the upload, whose body the test sends piece by piece. */
function openOwnedPatch(path: string, owner: string): StalledPatch {
  const { hostname, port } = new URL(test.baseUrl);
  const outgoing = request({
    hostname,
    port,
    method: 'PATCH',
    path,
    headers: { ...TUS, ...OCTET, ...as(owner), 'Upload-Offset': '0', 'Content-Length': String(SIZE) },
  });
  const answer = new Promise<{ status: number; offset: string | undefined }>((resolve, reject) => {
    outgoing.on('response', (response) => {
      response.resume();
      response.on('end', () => resolve({ status: response.statusCode!, offset: response.headers['upload-offset'] as string | undefined }));
    });
    outgoing.on('error', reject);
  });
  const write = (data: Buffer): Promise<void> => new Promise((resolve, reject) => outgoing.write(data, (error) => (error ? reject(error) : resolve())));
  return {
    write,
    async finish(data) {
      await write(data);
      outgoing.end();
      return answer;
    },
  };
}

/**
 * Sends `call` as bob and waits for its answer, failing as soon as it queues on the upload's
 * lock instead (queueing is what asks the holder to let go).
 */
async function answeredWithoutQueueing(id: string, call: Call): Promise<RawResponse> {
  let settled = false;
  const answer = send(test, 'bob', call).finally(() => {
    settled = true;
  });
  await waitFor(`${call.method} to be answered or to queue`, () => settled || test.ferry.locker.waiting(id) > 0);
  assert.equal(test.ferry.locker.waiting(id), 0, `${call.method} queued on the lock of an upload its sender may not see`);
  return answer;
}

describe("another owner's requests while the owner's PATCH holds the lock", () => {
  it('are answered 404 without queueing on the lock, and the PATCH goes on to the end', async () => {
    const created = await send(test, 'alice', { method: 'POST', path: '/files/', headers: { ...TUS, 'Upload-Length': String(SIZE) } });
    assert.equal(created.status, 201, created.body.toString());
    const path = new URL(created.headers.location as string, test.baseUrl).pathname;
    const id = path.split('/').pop()!;

    const alice = openOwnedPatch(path, 'alice');
    await alice.write(Buffer.alloc(SIZE / 2, 1));
    await waitFor("alice's first bytes to be stored under the lock", () => test.ferry.store.stats().openUploads > 0 && test.ferry.locker.held() > 0);

    const calls: Call[] = [
      { method: 'HEAD', path, headers: TUS },
      { method: 'PATCH', path, headers: { ...TUS, ...OCTET, 'Upload-Offset': '0' }, body: Buffer.from('x') },
      { method: 'DELETE', path, headers: TUS },
    ];
    for (let round = 0; round < ROUNDS; round += 1) {
      for (const call of calls) {
        const response = await answeredWithoutQueueing(id, call);
        assert.equal(response.status, 404, `round ${round + 1}, bob's ${call.method}: ${response.body.toString()}`);
      }
    }
    assert.equal(test.ferry.locker.held(), 1, "alice's PATCH still holds the lock");

    const finished = await alice.finish(Buffer.alloc(SIZE / 2, 2));
    assert.deepEqual(finished, { status: 204, offset: String(SIZE) }, "alice's PATCH was never cut short");
    const head = await send(test, 'alice', { method: 'HEAD', path, headers: TUS });
    assert.equal(head.status, 200);
    assert.equal(head.headers['upload-offset'], String(SIZE));
  });
});
