import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { after, describe, it } from 'node:test';
import type { Redis } from 'ioredis';
import { createLeaderLease, type LeaderLease } from '../../src/cluster/leader-lease.js';
import { connectRedis } from '../../src/cluster/redis-connection.js';
import { createLogger } from '../../src/logging/logger.js';
import { waitFor } from '../support/tus-requests.js';

const REDIS_URL = 'redis://127.0.0.1:6379';
const LEASE_MS = 900;

/** One contender, as one ferry instance runs it: its own connection, its log lines, its elections counted. */
interface Contender {
  name: string;
  lease: LeaderLease;
  redis: Redis;
  logs: Record<string, unknown>[];
  elections: number;
  /** Moves this contender's monotonic clock forward (a pause it never noticed). */
  jump(ms: number): void;
}

const admin = connectRedis(REDIS_URL, 'ferry-test-admin', { enableOfflineQueue: true });
const cleanups: (() => Promise<unknown>)[] = [];
after(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  await admin.quit();
});

/** A fresh key prefix per test, so tests (and other helpers' runs) never meet; the key is deleted afterwards. */
function newPrefix(): string {
  const prefix = `ferry-test:${randomUUID()}:`;
  cleanups.push(() => admin.del(`${prefix}leader`));
  return prefix;
}

function contend(name: string, keyPrefix: string, onElected: () => Promise<void> | void = () => undefined): Contender {
  const redis = connectRedis(REDIS_URL, `ferry-test-${name}`);
  const logs: Record<string, unknown>[] = [];
  const logger = createLogger('info', { write: (line: string) => void logs.push(JSON.parse(line) as Record<string, unknown>) });
  let offset = 0;
  const contender: Contender = {
    name,
    redis,
    logs,
    elections: 0,
    lease: createLeaderLease({
      redis,
      keyPrefix,
      leaseMs: LEASE_MS,
      instanceId: name,
      logger,
      now: () => performance.now() + offset,
      onElected: async () => {
        contender.elections += 1;
        await onElected();
      },
    }),
    jump(ms) {
      offset += ms;
    },
  };
  cleanups.push(async () => {
    await contender.lease.close();
    redis.disconnect();
  });
  return contender;
}

function messages(contender: Contender, msg: string): Record<string, unknown>[] {
  return contender.logs.filter((line) => line.msg === msg);
}

function leaders(contenders: readonly Contender[]): Contender[] {
  return contenders.filter((contender) => contender.lease.isLeader());
}

describe('leader lease', () => {
  it('two contenders: exactly one leads, elected once, and keeps leading past the first lifetime of the lease', async () => {
    const prefix = newPrefix();
    const both = [contend('a', prefix), contend('b', prefix)];
    await waitFor('a leader', () => leaders(both).length === 1);
    const [leader] = leaders(both);
    const other = both.find((contender) => contender !== leader) as Contender;
    assert.equal(await admin.get(`${prefix}leader`), leader.lease.token);
    assert.match(leader.lease.token, new RegExp(`^${leader.name}:`));
    assert.deepEqual(
      messages(leader, 'leader lease taken').map((line) => line.instance),
      [leader.name],
    );
    const takenAt = Date.now();
    // Renewals keep it: well past the lease's first expiry, the same one leads and the other never did.
    await waitFor('two leases gone by', () => Date.now() - takenAt > 2 * LEASE_MS && leaders(both).length === 1 && leader.lease.isLeader());
    assert.equal(await admin.get(`${prefix}leader`), leader.lease.token);
    assert.ok((await admin.pttl(`${prefix}leader`)) > 0);
    assert.equal(leader.elections, 1);
    assert.equal(other.elections, 0);
    assert.equal(messages(other, 'leader lease taken').length, 0);
  });

  it('close() releases the lease, so the other takes it at its next try, well before the lease would expire', async () => {
    const prefix = newPrefix();
    const first = contend('first', prefix);
    await waitFor('first leads', () => first.lease.isLeader());
    const second = contend('second', prefix);
    const closedAt = performance.now();
    await first.lease.close();
    assert.equal(first.lease.isLeader(), false);
    assert.equal(messages(first, 'leader lease released').length, 1);
    await waitFor('second leads', () => second.lease.isLeader());
    assert.ok(performance.now() - closedAt < LEASE_MS, 'handed over within a third of the lease, not after it expired');
    assert.equal(await admin.get(`${prefix}leader`), second.lease.token);
    assert.equal(second.elections, 1);
  });

  it('a leader whose deadline passes without a renewal (a pause) stops leading at once; the other takes over and is elected', async () => {
    const prefix = newPrefix();
    const paused = contend('paused', prefix);
    await waitFor('paused leads', () => paused.lease.isLeader());
    const other = contend('other', prefix);
    paused.jump(LEASE_MS);
    assert.equal(paused.lease.isLeader(), false, 'no longer the leader by its own clock, before Redis says anything');
    await waitFor('the other leads', () => other.lease.isLeader());
    assert.equal(paused.lease.isLeader(), false);
    assert.deepEqual(
      messages(paused, 'leader lease lost').map((line) => [line.instance, line.reason]),
      [['paused', 'expired']],
    );
    assert.equal(other.elections, 1);
    assert.equal(await admin.get(`${prefix}leader`), other.lease.token);
  });

  it('a leader whose Redis connection dies loses leadership by its deadline; the other is elected once the lease expires', async () => {
    const prefix = newPrefix();
    const dying = contend('dying', prefix);
    await waitFor('dying leads', () => dying.lease.isLeader());
    const other = contend('survivor', prefix);
    dying.redis.disconnect();
    const diedAt = performance.now();
    await waitFor('the dying one stops leading', () => !dying.lease.isLeader());
    assert.ok(performance.now() - diedAt <= LEASE_MS, 'stopped within its lease');
    await waitFor('the survivor leads', () => {
      assert.ok(leaders([dying, other]).length <= 1, 'never two leaders at once');
      return other.lease.isLeader();
    });
    assert.equal(other.elections, 1, 'a new leader after the old one died runs the on-elected work too');
    assert.equal(dying.lease.isLeader(), false);
  });

  it('a changed token loses leadership and leaves the other value alone; each new election runs onElected again', async () => {
    const prefix = newPrefix();
    const leader = contend('solo', prefix);
    await waitFor('solo leads', () => leader.lease.isLeader());
    await admin.set(`${prefix}leader`, 'intruder', 'PX', 60_000);
    await waitFor('solo lost it', () => !leader.lease.isLeader());
    assert.deepEqual(
      messages(leader, 'leader lease lost').map((line) => line.reason),
      ['taken'],
    );
    assert.equal(await admin.get(`${prefix}leader`), 'intruder', 'the release compares tokens: another holder is never deleted');
    await admin.del(`${prefix}leader`);
    await waitFor('solo leads again', () => leader.lease.isLeader());
    assert.equal(leader.elections, 2);
    assert.equal(messages(leader, 'leader lease taken').length, 2);
  });

  it('a failing onElected is logged and leadership goes on', async () => {
    const prefix = newPrefix();
    const failing = contend('failing', prefix, () => {
      throw new Error('recovery exploded');
    });
    await waitFor('the failure is logged', () => messages(failing, 'leader task failed').length === 1);
    assert.equal(failing.lease.isLeader(), true);
    assert.equal(failing.elections, 1);
  });
});
