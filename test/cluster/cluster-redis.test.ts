import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { waitFor } from '../support/tus-requests.js';
import {
  createUpload,
  downloadSha256,
  errorCodeOf,
  head,
  headOffset,
  patch,
  postCreate,
  type Reply,
  send,
  sendRest,
  sha256,
  uploadUrlOn,
} from './support/cluster-client.js';
import { type FerryCluster, startFerryCluster } from './support/ferry-cluster.js';
import { type RedisServer, startRedisServer } from './support/redis-server.js';
import { seededBytes } from './support/seeded-data.js';

const MiB = 1024 * 1024;

async function readyzStatus(baseUrl: string): Promise<number> {
  return (await send(`${baseUrl}/readyz`, { method: 'GET' })).status;
}

function assertRedisUnavailable(reply: Reply, what: string): void {
  assert.equal(reply.status, 503, `${what}: ${reply.status} ${reply.body}`);
  assert.equal(errorCodeOf(reply), 'REDIS_UNAVAILABLE', `${what}: ${reply.body}`);
  assert.ok(Number(reply.headers['retry-after']) > 0, `${what}: Retry-After ${reply.headers['retry-after']}`);
}

/** Issue 11, test 7: a Redis of this test alone, restarted (losing every key) in the middle of an upload. */
describe('cluster: Redis restarted mid-upload', () => {
  let redis: RedisServer;
  let cluster: FerryCluster;
  before(async () => {
    redis = await startRedisServer();
    cluster = await startFerryCluster({ redisUrl: redis.url });
  });
  after(async () => {
    await cluster.stopAll();
    await redis.stop();
  });

  it('7. creation and PATCH answer 503 with Retry-After while Redis is away, nothing is written, and the upload then finishes to identical bytes', async () => {
    const size = 16 * MiB;
    const content = seededBytes('cluster-7', size);
    const url = await createUpload(cluster.proxy.url, size);
    for (let offset = 0; offset < 4 * MiB; offset += MiB) assert.equal((await patch(url, offset, content.subarray(offset, offset + MiB))).status, 204);

    await redis.stop();
    for (const instance of cluster.instances) {
      await waitFor(`${instance.id}'s /readyz to fail`, async () => (await readyzStatus(instance.url)) === 503);
      assertRedisUnavailable(await postCreate(instance.url, MiB), `POST on ${instance.id}`);
      assertRedisUnavailable(await patch(uploadUrlOn(instance.url, url), 4 * MiB, content.subarray(4 * MiB, 5 * MiB)), `PATCH on ${instance.id}`);
    }

    await redis.start();
    for (const instance of cluster.instances) {
      await waitFor(`${instance.id}'s /readyz to pass again`, async () => (await readyzStatus(instance.url)) === 200, 15_000);
    }
    assert.equal(await headOffset(url), 4 * MiB, 'nothing was written while Redis was away');
    // The lock connections reconnect on their own schedule, so a PATCH may still be turned away for a moment: with 503 only.
    const failures = await sendRest(url, content, 2 * MiB, 15_000);
    assert.deepEqual(
      Object.keys(failures).filter((status) => status !== '503'),
      [],
      `after the recovery, requests fail with 503 at most (${JSON.stringify(failures)})`,
    );
    assert.equal(await downloadSha256(url), sha256(content));
    assert.equal((await postCreate(cluster.proxy.url, MiB)).status, 201);
  });
});

/** Issue 11, test 8: the leader lease: one instance at a time sweeps expired uploads and runs start-up recovery. */
describe('cluster: work that one instance does', () => {
  let cluster: FerryCluster;
  before(async () => {
    cluster = await startFerryCluster({ env: { FERRY_EXPIRY_SWEEP_MS: '1000', FERRY_UPLOAD_EXPIRES_MS: '1000' } });
  });
  after(() => cluster.stopAll());

  /** Instance ids that logged `msg` at least once. */
  const loggedBy = (msg: string) =>
    Object.entries(cluster.countLogs(msg))
      .filter(([, count]) => count > 0)
      .map(([id]) => id);
  const deletedBy = (id: string) =>
    cluster
      .instance(id)
      .logs.filter((entry) => entry.msg === 'expiry sweep done')
      .reduce((sum, entry) => sum + Number(entry.deleted ?? 0), 0);

  it('8. the expiry sweep and start-up recovery run on the leader only, and on the next leader once it is gone', async () => {
    const { instance: leader } = await cluster.waitForLog((entry) => entry.msg === 'leader lease taken');
    await cluster.waitForLog((entry) => entry.msg === 'start-up recovery done');
    const expiring = await Promise.all([1, 2, 3].map(() => createUpload(cluster.proxy.url, MiB)));
    await waitFor('the leader to sweep the three expired uploads', () => deletedBy(leader.id) >= 3, 15_000);
    for (const url of expiring) assert.ok([404, 410].includes((await head(url)).status), `${url} was swept`);

    assert.deepEqual(loggedBy('leader lease taken'), [leader.id]);
    assert.equal(cluster.countLogs('leader lease taken')[leader.id], 1);
    assert.deepEqual(loggedBy('start-up recovery done'), [leader.id]);
    assert.equal(cluster.countLogs('start-up recovery done')[leader.id], 1);
    assert.deepEqual(loggedBy('expiry sweep done'), [leader.id]);

    await leader.kill('SIGKILL');
    const { instance: next } = await cluster.waitForLog((entry, instance) => entry.msg === 'leader lease taken' && instance !== leader, { timeoutMs: 15_000 });
    const sweepsOfNext = cluster.countLogs('expiry sweep done')[next.id];
    await waitFor('the next leader to sweep twice', () => cluster.countLogs('expiry sweep done')[next.id] >= sweepsOfNext + 2, 15_000);
    const survivors = cluster.instances.filter((instance) => instance !== leader);
    assert.deepEqual(
      survivors.filter((instance) => cluster.countLogs('expiry sweep done')[instance.id] > 0).map((instance) => instance.id),
      [next.id],
    );
    assert.deepEqual(
      survivors.filter((instance) => cluster.countLogs('leader lease taken')[instance.id] > 0).map((instance) => instance.id),
      [next.id],
    );
  });
});
