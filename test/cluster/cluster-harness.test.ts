import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { makeTempDir } from '../support/temp-dir.js';
import { waitFor } from '../support/tus-requests.js';
import { downloadSha256, head, sha256 } from './support/cluster-client.js';
import { type FerryCluster, startFerryCluster } from './support/ferry-cluster.js';
import { startRedisServer } from './support/redis-server.js';
import { seededBytes, writeSeededFile } from './support/seeded-data.js';
import { tusUpload } from './support/tus-upload.js';

const MiB = 1024 * 1024;

/** ESRCH once the process is gone. */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * The harness itself, with no cluster feature involved: three single-process instances (no
 * Redis) behind the proxy. It proves what the cluster tests rely on.
 */
describe('cluster test harness', () => {
  let cluster: FerryCluster;
  before(async () => {
    cluster = await startFerryCluster({ redisUrl: null });
  });
  after(() => cluster.stopAll());

  it('starts the instances with their ids and captures their log lines', () => {
    assert.deepEqual(
      cluster.instances.map((instance) => instance.id),
      ['a', 'b', 'c'],
    );
    assert.equal(new Set(cluster.instances.map((instance) => instance.port)).size, 3);
    for (const instance of cluster.instances) {
      assert.ok(isAlive(instance.pid));
      assert.equal(cluster.countLogs('listening')[instance.id], 1);
    }
  });

  it('the proxy sends each new connection to the next instance', async () => {
    const before = [...cluster.proxy.connections];
    for (let request = 0; request < 6; request += 1) assert.equal((await head(`${cluster.proxy.url}/files/missing`)).status, 404);
    assert.deepEqual(
      cluster.proxy.connections.map((count, index) => count - before[index]),
      [2, 2, 2],
    );
  });

  it('generates the same bytes from a seed, streamed to a file or in memory, and tus-js-client uploads them', async () => {
    const file = path.join(await makeTempDir(), 'seeded.bin');
    const expected = await writeSeededFile(file, 'harness', 3 * MiB + 5);
    assert.equal(expected, sha256(seededBytes('harness', 3 * MiB + 5)));
    assert.notEqual(expected, sha256(seededBytes('other', 3 * MiB + 5)));
    const instance = cluster.instance('b');
    const url = await tusUpload({ endpoint: `${instance.url}/files/`, file, chunkSize: MiB });
    assert.equal(await downloadSha256(url), expected);
  });

  it('kills an instance (the proxy skips it), restarts it on its port, and stopAll leaves no process', async () => {
    const victim = cluster.instance('a');
    const oldPid = victim.pid;
    await victim.kill('SIGKILL');
    assert.equal(victim.running(), false);
    assert.equal(isAlive(oldPid), false);
    for (let request = 0; request < 3; request += 1) assert.equal((await head(`${cluster.proxy.url}/files/missing`)).status, 404);

    await cluster.restart('a');
    assert.notEqual(victim.pid, oldPid);
    assert.equal(cluster.countLogs('listening').a, 2);
    assert.equal((await head(`${victim.url}/files/missing`)).status, 404);

    cluster.instance('c').signal('SIGSTOP');
    const pids = cluster.instances.map((instance) => instance.pid);
    await cluster.stopAll();
    await waitFor('every instance to be gone', () => pids.every((pid) => !isAlive(pid)));
  });
});

describe('cluster test harness: a redis-server of its own', () => {
  it('starts on a free port, stops (refusing connections, keys gone) and starts again on the same port', async () => {
    const server = await startRedisServer();
    const client = new Redis(server.url, { maxRetriesPerRequest: 0, retryStrategy: () => 50 });
    client.on('error', () => undefined);
    try {
      await client.set('harness', '1');
      assert.equal(await client.get('harness'), '1');
      await server.stop();
      await assert.rejects(client.get('harness'));
      await server.start();
      await waitFor('the client to reconnect', () => client.status === 'ready');
      assert.equal(await client.get('harness'), null);
    } finally {
      client.disconnect();
      await server.stop();
    }
  });
});
