import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import { spawnFerry } from '../support/ferry-process.js';
import { makeTempDir } from '../support/temp-dir.js';
import { createUpload, headOffset, openPatch, waitFor } from '../support/tus-requests.js';

const MiB = 1024 * 1024;

async function fileSize(file: string): Promise<number> {
  return stat(file).then(
    (s) => s.size,
    () => -1,
  );
}

describe('graceful shutdown of a real ferry process', () => {
  it('lets an in-flight PATCH finish after SIGTERM, refuses new connections, and exits 0', async () => {
    const dataDir = await makeTempDir();
    const ferry = await spawnFerry({ dataDir, env: { FERRY_SHUTDOWN_TIMEOUT_MS: '10000' } });
    const uploadUrl = await createUpload(ferry.url, 4 * MiB);
    const id = uploadUrl.split('/').pop()!;
    const patch = openPatch(uploadUrl, 0, 4 * MiB);
    await patch.write(randomBytes(MiB));
    await waitFor('the first MiB on disk', async () => (await fileSize(path.join(dataDir, id))) >= MiB);

    ferry.child.kill('SIGTERM');
    await waitFor('the listener to close', () =>
      fetch(`${ferry.url}/healthz`).then(
        () => false,
        () => true,
      ),
    );
    const result = await patch.finish(randomBytes(3 * MiB));

    assert.deepEqual(result, { status: 204, offset: 4 * MiB });
    assert.equal(await ferry.exited, 0);
    assert.equal(await fileSize(path.join(dataDir, id)), 4 * MiB);
  });

  it('cuts a stalled PATCH at the deadline, keeps what arrived, and exits 0', async () => {
    const dataDir = await makeTempDir();
    const ferry = await spawnFerry({ dataDir, env: { FERRY_SHUTDOWN_TIMEOUT_MS: '1500' } });
    const uploadUrl = await createUpload(ferry.url, 4 * MiB);
    const id = uploadUrl.split('/').pop()!;
    const patch = openPatch(uploadUrl, 0, 4 * MiB);
    await patch.write(randomBytes(MiB + 123));
    await waitFor('the first bytes on disk', async () => (await fileSize(path.join(dataDir, id))) === MiB + 123);

    ferry.child.kill('SIGTERM');
    assert.equal(await ferry.exited, 0);
    await patch.response;
    assert.ok(ferry.lines.some((line) => line.includes('shutdown complete')));

    const restarted = await spawnFerry({ dataDir });
    try {
      const restartedUrl = `${restarted.url}/files/${id}`;
      assert.equal(await headOffset(restartedUrl), MiB + 123);
    } finally {
      restarted.child.kill('SIGTERM');
      await restarted.exited;
    }
  });
});
