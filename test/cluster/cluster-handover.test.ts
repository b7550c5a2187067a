import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { waitFor } from '../support/tus-requests.js';
import { createUpload, downloadSha256, errorCodeOf, head, openPatch, patch, type Reply, sha256, uploadIdOf, uploadUrlOn } from './support/cluster-client.js';
import { type FerryCluster, startFerryCluster } from './support/ferry-cluster.js';
import { seededBytes } from './support/seeded-data.js';

const MiB = 1024 * 1024;
const SIZE = 8 * MiB;
/** "A lets go within about 2 s": from B's HEAD to its answer. */
const HANDOVER_LIMIT_MS = 2500;

/** Resolves with what `promise` gave once it settled, failing after `timeoutMs`. */
async function settledWithin<T>(what: string, promise: Promise<T>, timeoutMs: number): Promise<T> {
  let settled: { value: T } | undefined;
  void promise.then((value) => {
    settled = { value };
  });
  await waitFor(what, () => settled !== undefined, timeoutMs);
  return settled!.value;
}

/** Issue 11, tests 4 and 5: a holder that stalls or is paused gives the upload up to another instance. */
describe('cluster: lock handover between instances', () => {
  let cluster: FerryCluster;
  before(async () => {
    cluster = await startFerryCluster();
  });
  after(() => cluster.stopAll());

  it('4. a stalled PATCH on A: HEAD and PATCH through B; A lets go within about 2 s and B continues', async (t) => {
    const content = seededBytes('cluster-4', SIZE);
    const [a, b] = [cluster.instance('a'), cluster.instance('b')];
    const url = await createUpload(cluster.proxy.url, SIZE);
    const uploadId = uploadIdOf(url);
    const sent = 256 * 1024;
    await cluster.waitForLockFree(uploadId);
    // Headers and the first 256 KiB of 8 MiB, then nothing: a client whose network stalled.
    const stalled = openPatch(uploadUrlOn(a.url, url), 0, SIZE, content.subarray(0, sent));
    await cluster.waitForLockHolder(uploadId, 'a');

    const started = Date.now();
    const reply = await head(uploadUrlOn(b.url, url));
    const handoverMs = Date.now() - started;
    t.diagnostic(`handover: ${handoverMs} ms`);
    assert.equal(reply.status, 200, reply.body);
    assert.ok(handoverMs < HANDOVER_LIMIT_MS, `B's HEAD was answered after ${handoverMs} ms`);
    const offset = Number(reply.headers['upload-offset']);
    assert.ok(offset > 0 && offset <= sent, `A saved what arrived: offset ${offset} of ${sent} sent`);

    const rest = await patch(uploadUrlOn(b.url, url), offset, content.subarray(offset));
    assert.equal(rest.status, 204, rest.body);
    assert.equal(Number(rest.headers['upload-offset']), SIZE);
    await settledWithin("A's stalled PATCH to end", stalled.reply, 5000);
    assert.notEqual(await cluster.lockHolder(uploadId), 'a');
    assert.equal(await downloadSha256(url), sha256(content));
  });

  it('5. the lock holder paused (SIGSTOP) past its lease: B takes over and finishes; the woken A writes nothing that survives', async () => {
    const content = seededBytes('cluster-5', SIZE);
    const [a, b] = [cluster.instance('a'), cluster.instance('b')];
    const url = await createUpload(cluster.proxy.url, SIZE);
    const uploadId = uploadIdOf(url);
    await cluster.waitForLockFree(uploadId);
    const paused = openPatch(uploadUrlOn(a.url, url), 0, SIZE, content.subarray(0, MiB));
    await cluster.waitForLockHolder(uploadId, 'a');

    a.signal('SIGSTOP');
    try {
      // Bytes that must never land: A finds them in its socket when it wakes, at the offset it remembers.
      paused.write(Buffer.alloc(MiB, 0xee));
      const reply = await head(uploadUrlOn(b.url, url));
      assert.equal(reply.status, 200, reply.body);
      const offset = Number(reply.headers['upload-offset']);
      assert.ok(offset <= MiB, `offset after the takeover: ${offset}`);
      assert.notEqual(await cluster.lockHolder(uploadId), 'a', "A's lock ran out while it was paused");
      const rest = await patch(uploadUrlOn(b.url, url), offset, content.subarray(offset));
      assert.equal(rest.status, 204, rest.body);
      assert.equal(Number(rest.headers['upload-offset']), SIZE);
    } finally {
      a.signal('SIGCONT');
    }

    const woken = await settledWithin("the woken A's PATCH to end", paused.reply, 10_000);
    if (!(woken instanceof Error)) assertLockLost(woken);
    // A answers again, so whatever it did on waking is done; then the bytes are B's alone.
    assert.equal(Number((await head(uploadUrlOn(a.url, url))).headers['upload-offset']), SIZE);
    assert.equal(await downloadSha256(uploadUrlOn(a.url, url)), sha256(content));
    assert.equal(await downloadSha256(url), sha256(content));
  });
});

function assertLockLost(reply: Reply): void {
  assert.equal(reply.status, 503, reply.body);
  assert.equal(errorCodeOf(reply), 'LOCK_LOST');
}
