import assert from 'node:assert/strict';
import os from 'node:os';
import { describe, it } from 'node:test';
import { instanceIdOf, instanceLogFields } from '../../src/cluster/instance-id.js';
import { createLogger } from '../../src/logging/logger.js';

describe('the instance name', () => {
  it('is FERRY_INSTANCE_ID, else <hostname>-<pid>', () => {
    assert.equal(instanceIdOf({ instanceId: 'node-a' }), 'node-a');
    assert.equal(instanceIdOf({ instanceId: '' }), `${os.hostname()}-${process.pid}`);
  });

  it('is on every log line in cluster mode, and on none in one process', () => {
    const lines: Record<string, unknown>[] = [];
    const destination = { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) };
    createLogger('info', destination, instanceLogFields({ instanceId: 'node-a', redisUrl: 'redis://127.0.0.1:6379' })).info('clustered');
    createLogger('info', destination, instanceLogFields({ instanceId: 'node-a', redisUrl: '' })).info('alone');
    assert.deepEqual(
      lines.map((line) => [line.msg, line.instance, line.service]),
      [
        ['clustered', 'node-a', 'ferry'],
        ['alone', undefined, 'ferry'],
      ],
    );
  });
});
