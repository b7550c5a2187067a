import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, describe, it } from 'node:test';
import { connectRedis } from '../../src/cluster/redis-connection.js';
import type { Config } from '../../src/config/settings.js';
import { createFerry, type Ferry } from '../../src/ferry.js';
import { createLogger } from '../../src/logging/logger.js';
import { makeTestConfig } from '../support/config.js';
import { createUpload, waitFor } from '../support/tus-requests.js';

const REDIS_URL = 'redis://127.0.0.1:6379';

interface Instance {
  name: string;
  ferry: Ferry;
  url: string;
  logs: Record<string, unknown>[];
  closed: boolean;
}

const admin = connectRedis(REDIS_URL, 'ferry-test-admin', { enableOfflineQueue: true });
const instances: Instance[] = [];
after(async () => {
  for (const instance of instances) if (!instance.closed) await instance.ferry.close();
  await admin.quit();
});

async function startInstance(name: string, config: Config): Promise<Instance> {
  const logs: Record<string, unknown>[] = [];
  const logger = createLogger('info', { write: (line: string) => void logs.push(JSON.parse(line) as Record<string, unknown>) });
  const ferry = createFerry({ ...config, instanceId: name }, { logger });
  const instance = { name, ferry, url: await ferry.listen(), logs, closed: false };
  instances.push(instance);
  return instance;
}

function count(instance: Instance, msg: string): number {
  return instance.logs.filter((line) => line.msg === msg).length;
}

describe('one leader among ferry instances', () => {
  it('start-up recovery and the expiry sweep run on the leader only; when it stops, the other is elected and runs both', async () => {
    const prefix = `ferry-test:${randomUUID()}:`;
    after(() => admin.del(`${prefix}leader`));
    const config = await makeTestConfig({
      redisUrl: REDIS_URL,
      redisKeyPrefix: prefix,
      databaseUrl: 'postgres://postgres@127.0.0.1:5432/test',
      lockLeaseMs: 1000,
      uploadExpiresMs: 200,
      expirySweepMs: 50,
    });
    const both = [await startInstance('one', config), await startInstance('two', config)];
    await waitFor('a leader ran start-up recovery', () => both.some((instance) => count(instance, 'start-up recovery done') === 1));
    const leader = both.find((instance) => count(instance, 'start-up recovery done') === 1) as Instance;
    const other = both.find((instance) => instance !== leader) as Instance;
    assert.equal(count(leader, 'leader lease taken'), 1);

    // An upload created through the other instance expires and is swept by the leader.
    await createUpload(other.url, 10);
    await waitFor('the leader swept it', () => leader.logs.some((line) => line.msg === 'expiry sweep done' && line.deleted === 1));
    assert.equal(count(other, 'expiry sweep done'), 0, 'a sweep tick on a non-leader does nothing');
    assert.equal(count(other, 'start-up recovery done'), 0);
    assert.equal(count(other, 'leader lease taken'), 0);

    await leader.ferry.close();
    leader.closed = true;
    await waitFor('the other was elected and ran recovery', () => count(other, 'start-up recovery done') === 1);
    await waitFor('the other sweeps', () => count(other, 'expiry sweep done') >= 2);
    assert.equal(count(leader, 'start-up recovery done'), 1);
    assert.deepEqual(
      other.logs.filter((line) => line.msg === 'leader lease taken').map((line) => line.instance),
      [other.name],
    );
  });
});
