import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { makeTempDir } from '../support/temp-dir.js';
import { createUpload, downloadSha256, openPatch, patch, sha256, uploadIdOf, uploadUrlOn } from './support/cluster-client.js';
import { type FerryCluster, startFerryCluster } from './support/ferry-cluster.js';
import { seededBytes, writeSeededFile } from './support/seeded-data.js';
import { tusUpload } from './support/tus-upload.js';

const MiB = 1024 * 1024;
/** tus-js-client retries, long enough to outlast a dead holder's lock lease (2 s). */
const PATIENT_RETRIES = [0, 250, 500, 1000, 1000, 2000, 2000, 3000];

/** Issue 11, tests 1 to 3: three instances on one data dir behind the round-robin proxy. */
describe('cluster: uploads across three instances', () => {
  let cluster: FerryCluster;
  let workDir: string;
  before(async () => {
    cluster = await startFerryCluster();
    workDir = await makeTempDir();
  });
  after(() => cluster.stopAll());

  it('1. tus-js-client uploads 200 MiB in 5 MiB chunks, alternating instances, to identical bytes', async () => {
    const size = 200 * MiB;
    const file = path.join(workDir, 'large.bin');
    const expected = await writeSeededFile(file, 'cluster-1', size);
    const connectionsBefore = [...cluster.proxy.connections];

    const url = await tusUpload({ endpoint: cluster.endpoint, file, chunkSize: 5 * MiB });

    const perInstance = cluster.proxy.connections.map((count, index) => count - connectionsBefore[index]);
    // 1 POST + 40 PATCHes, one connection each, dealt out in turn.
    for (const count of perInstance) assert.ok(count >= 13, `connections per instance: ${perInstance}`);
    assert.equal(await downloadSha256(url), expected);
  });

  it('2. SIGKILL of the lock holder mid-PATCH: the client resumes through another instance to identical bytes', async () => {
    const size = 24 * MiB;
    const content = seededBytes('cluster-2', size);
    const file = path.join(workDir, 'killed.bin');
    await writeFile(file, content);
    const url = await createUpload(cluster.proxy.url, size);
    const uploadId = uploadIdOf(url);
    for (let offset = 0; offset < 8 * MiB; offset += 2 * MiB) assert.equal((await patch(url, offset, content.subarray(offset, offset + 2 * MiB))).status, 204);

    await cluster.waitForLockFree(uploadId);
    // A PATCH that has sent 1 MiB of its 16: its instance holds the lock while the body comes.
    const inFlight = openPatch(url, 8 * MiB, 16 * MiB, content.subarray(8 * MiB, 9 * MiB));
    const victim = cluster.instance(await cluster.waitForLockHolder(uploadId));
    await victim.kill('SIGKILL');
    assert.ok((await inFlight.reply) instanceof Error, 'the killed instance never answered');

    try {
      const finished = await tusUpload({ endpoint: cluster.endpoint, uploadUrl: url, file, chunkSize: 4 * MiB, retryDelays: PATIENT_RETRIES });
      assert.equal(finished, url);
      assert.equal(await downloadSha256(url), sha256(content));
      assert.notEqual(await cluster.lockHolder(uploadId), victim.id);
    } finally {
      await cluster.restart(victim.id);
    }
  });

  it('3. two clients PATCH the same offset through different instances at once, 100 rounds: one wins each round, no interleaved bytes', async () => {
    const rounds = 100;
    const chunk = 64 * 1024;
    const url = await createUpload(cluster.proxy.url, rounds * chunk);
    /** Client 0 sends bytes 2r in round r, client 1 bytes 2r + 1: every byte says who wrote it, and when. */
    const winners: number[] = [];
    for (let round = 0; round < rounds; round += 1) {
      const offset = round * chunk;
      const through = [cluster.instances[round % 3], cluster.instances[(round + 1) % 3]];
      const replies = await Promise.all(
        through.map((instance, client) =>
          patch(uploadUrlOn(instance.url, url), offset, Buffer.alloc(chunk, 2 * round + client)).then(
            (reply) => reply,
            (error: Error) => error,
          ),
        ),
      );
      const statuses = replies.map((reply) => (reply instanceof Error ? reply.message : reply.status));
      const won = statuses.flatMap((status, client) => (status === 204 ? [client] : []));
      assert.equal(won.length, 1, `round ${round}: exactly one PATCH wins (${statuses})`);
      const lost = statuses[1 - won[0]];
      assert.ok(lost === 409 || lost === 423 || lost === 503, `round ${round}: the other PATCH is refused with 409, 423 or 503 (${statuses})`);
      const winner = replies[won[0]];
      assert.ok(!(winner instanceof Error));
      assert.equal(Number(winner.headers['upload-offset']), offset + chunk, `round ${round}: the winner's offset`);
      winners.push(won[0]);
    }

    const stored = Buffer.from(await (await fetch(url)).arrayBuffer());
    assert.equal(stored.length, rounds * chunk);
    for (let round = 0; round < rounds; round += 1) {
      const range = stored.subarray(round * chunk, (round + 1) * chunk);
      const expected = 2 * round + winners[round];
      assert.ok(
        range.every((byte) => byte === expected),
        `bytes of round ${round} are wholly client ${winners[round]}'s`,
      );
    }
  });
});
