import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { getEventListeners } from 'node:events';
import { afterEach, describe, it } from 'node:test';
import type { RedisLockerOptions } from '../../src/cluster/redis-locker.js';
import { isAppError } from '../../src/errors/app-error.js';
import { waitFor } from '../support/tus-requests.js';
import { deleteKeys, freePort, type LockerInstance, startLockerInstance, startRedisServer, stopRedisServer } from './support/redis-instances.js';

const isLocked = (error: unknown) => isAppError(error, 'UPLOAD_LOCKED') && error.status === 423;
const isLost = (error: unknown) => isAppError(error, 'LOCK_LOST');
const isUnavailable = (error: unknown) => isAppError(error, 'REDIS_UNAVAILABLE') && error.status === 503 && error.details?.retryAfter === 2;

describe('Redis locker', () => {
  let keyPrefix: string;
  let instances: LockerInstance[] = [];
  let redisServer: ChildProcess | undefined;

  /** Instance `name` (its own connections) under this test's key prefix. */
  async function instance(name: string, options: Partial<RedisLockerOptions> = {}, url?: string): Promise<LockerInstance> {
    const started = await startLockerInstance(name, { keyPrefix, ...options }, url);
    instances.push(started);
    return started;
  }

  const holderOf = async (id: string): Promise<string | null> => instances[0].redis.get(`${keyPrefix}lock:${id}`);

  afterEach(async () => {
    const cleaner = instances.find(({ redis }) => redis.status === 'ready');
    if (cleaner !== undefined && redisServer === undefined) await deleteKeys(cleaner.redis, keyPrefix);
    await Promise.all(instances.map((started) => started.stop()));
    instances = [];
    await stopRedisServer(redisServer);
    redisServer = undefined;
  });

  it('one holder at a time across instances; the key names the holding instance', async () => {
    keyPrefix = `test:${randomUUID()}:`;
    const a = await instance('a');
    const b = await instance('b');
    let inside = 0;
    let most = 0;
    const holders: string[] = [];
    const worker = async (locker: LockerInstance['locker']): Promise<void> => {
      const lock = await locker.acquire('u');
      inside += 1;
      most = Math.max(most, inside);
      holders.push((await holderOf('u')) ?? '');
      await new Promise((resolve) => setTimeout(resolve, 5)); // hold across a few turns of the loop
      lock.assertHeld();
      inside -= 1;
      await lock.release();
    };
    await Promise.all([a, b, a, b, a, b, a, b].map(({ locker }) => worker(locker)));
    assert.equal(most, 1);
    assert.equal(holders.length, 8);
    assert.equal(holders.filter((token) => token.startsWith('a/')).length, 4, holders.join(' '));
    assert.equal(holders.filter((token) => token.startsWith('b/')).length, 4, holders.join(' '));
    assert.equal(await holderOf('u'), null, 'the last release deleted the key');
    assert.equal(a.locker.held() + b.locker.held(), 0);
  });

  it('a waiter on another instance gets the lock promptly on release (the "released" message, not the poll)', async () => {
    keyPrefix = `test:${randomUUID()}:`;
    const a = await instance('a', { pollMs: 60_000 });
    const b = await instance('b', { pollMs: 60_000 });
    let asked = 0;
    const lock = await a.locker.acquire('u', { onReleaseRequested: () => (asked += 1) });
    const waiting = b.locker.acquire('u');
    await waitFor('the holder to be asked', () => asked === 1);
    const releasedAt = performance.now();
    await lock.release();
    const next = await waiting;
    const handoverMs = performance.now() - releasedAt;
    assert.ok(handoverMs < 1000, `handed over in ${handoverMs} ms`);
    assert.match((await holderOf('u')) ?? '', /^b\//);
    assert.equal(b.locker.held(), 1);
    await next.release();
  });

  it('the wait is bounded: UPLOAD_LOCKED (423) after waitMs', async () => {
    keyPrefix = `test:${randomUUID()}:`;
    const a = await instance('a');
    const b = await instance('b', { waitMs: 300 });
    const lock = await a.locker.acquire('u');
    const startedAt = performance.now();
    await assert.rejects(b.locker.acquire('u'), isLocked);
    const waitedMs = performance.now() - startedAt;
    assert.ok(waitedMs >= 290 && waitedMs < 2000, `waited ${waitedMs} ms`);
    assert.match((await holderOf('u')) ?? '', /^a\//, 'the holder keeps its lock');
    await lock.release();
  });

  it('an aborted waiter leaves with UPLOAD_LOCKED, removes its listener and does not take the lock later', async () => {
    keyPrefix = `test:${randomUUID()}:`;
    const a = await instance('a');
    const b = await instance('b', { pollMs: 20 });
    let asked = 0;
    const lock = await a.locker.acquire('u', { onReleaseRequested: () => (asked += 1) });
    const controller = new AbortController();
    const waiting = b.locker.acquire('u', { signal: controller.signal });
    await waitFor('the holder to be asked', () => asked === 1);
    controller.abort();
    await assert.rejects(waiting, isLocked);
    assert.equal(getEventListeners(controller.signal, 'abort').length, 0);
    await lock.release();
    // The aborted waiter (polling every 20 ms had it stayed) holds nothing; the lock goes to the next asker.
    const later = await a.locker.acquire('u');
    assert.match((await holderOf('u')) ?? '', /^a\//);
    assert.equal(b.locker.held(), 0);
    await later.release();
    // As in one process: an aborted signal does not stop a free lock being taken, only a wait.
    const free = await b.locker.acquire('v', { signal: AbortSignal.abort() });
    await assert.rejects(a.locker.acquire('v', { signal: AbortSignal.abort() }), isLocked);
    await free.release();
  });

  it('handover: the holder hears each request for its lock, from other instances and its own', async () => {
    keyPrefix = `test:${randomUUID()}:`;
    const a = await instance('a');
    const b = await instance('b');
    let asked = 0;
    const lock = await a.locker.acquire('u', { onReleaseRequested: () => (asked += 1) });
    const fromB = b.locker.acquire('u');
    await waitFor('the request from b', () => asked === 1);
    const fromA = a.locker.acquire('u');
    await waitFor('the request from a itself', () => asked === 2);
    await lock.release();
    const [first, second] = await Promise.race([fromA.then((held) => [held, fromB] as const), fromB.then((held) => [held, fromA] as const)]);
    await first.release();
    await (await second).release();
    assert.equal(asked, 2, 'one call per request');
  });

  it('a new holder hears at once that others still wait after a handover', async () => {
    keyPrefix = `test:${randomUUID()}:`;
    const a = await instance('a');
    const b = await instance('b');
    let asked = 0;
    const lock = await a.locker.acquire('u', { onReleaseRequested: () => (asked += 1) });
    const askedOf = { a: 0, b: 0 };
    const fromB = b.locker.acquire('u', { onReleaseRequested: () => (askedOf.b += 1) });
    const fromA = a.locker.acquire('u', { onReleaseRequested: () => (askedOf.a += 1) });
    await waitFor('both requests', () => asked === 2);
    await lock.release();
    const [next, other] = await Promise.race([fromA.then((held) => [held, fromB] as const), fromB.then((held) => [held, fromA] as const)]);
    const newHolder = (await holderOf('u'))?.startsWith('a/') ? 'a' : 'b';
    await waitFor('the new holder to be asked by the one still waiting', () => askedOf[newHolder] === 1);
    await next.release();
    await (await other).release();
  });

  it('a renewed lease outlives several lease times', async () => {
    keyPrefix = `test:${randomUUID()}:`;
    const a = await instance('a', { leaseMs: 300 });
    const lock = await a.locker.acquire('u');
    let renewals = 0;
    let lastTtl = await a.redis.pttl(`${keyPrefix}lock:u`);
    await waitFor('five renewals', async () => {
      const ttl = await a.redis.pttl(`${keyPrefix}lock:u`);
      if (ttl > lastTtl) renewals += 1;
      lastTtl = ttl;
      return renewals >= 5;
    });
    lock.assertHeld();
    assert.equal(lock.lost.aborted, false);
    await lock.release();
  });

  it('losing the token (another client overwrote the key) aborts lost; assertHeld throws LOCK_LOST; release leaves the other key', async () => {
    keyPrefix = `test:${randomUUID()}:`;
    const lostIds: string[] = [];
    const a = await instance('a', { leaseMs: 600, observer: { onLost: (id: string) => lostIds.push(id) } });
    const lock = await a.locker.acquire('u');
    lock.assertHeld();
    await a.redis.set(`${keyPrefix}lock:u`, 'intruder/1', 'PX', 10_000);
    await waitFor('the watchdog to notice', () => lock.lost.aborted);
    assert.ok(isLost(lock.lost.reason));
    assert.throws(() => lock.assertHeld(), isLost);
    assert.deepEqual(lostIds, ['u']);
    assert.equal(a.locker.held(), 0);
    await lock.release();
    assert.equal(await holderOf('u'), 'intruder/1');
  });

  it('a paused process (the clock jumps past the lease) fails assertHeld without any I/O', async () => {
    keyPrefix = `test:${randomUUID()}:`;
    let pausedMs = 0;
    const a = await instance('a', { leaseMs: 10_000, now: () => performance.now() + pausedMs });
    const lock = await a.locker.acquire('u');
    lock.assertHeld();
    pausedMs = 9_500; // past the lease minus its margin
    assert.throws(() => lock.assertHeld(), isLost);
    assert.equal(lock.lost.aborted, true);
    assert.ok(isLost(lock.lost.reason));
    await lock.release();
    assert.equal(await holderOf('u'), null, 'the key still held our token, so release deleted it');
  });

  it('close gives up held locks (lost aborts) and turns waiters away', async () => {
    keyPrefix = `test:${randomUUID()}:`;
    const a = await instance('a');
    const b = await instance('b');
    const lockA = await a.locker.acquire('u');
    const lockB = await b.locker.acquire('v');
    const turnedAway = assert.rejects(b.locker.acquire('u'), isLocked);
    await b.locker.close();
    await turnedAway;
    assert.ok(lockB.lost.aborted);
    assert.equal(await holderOf('v'), null);
    assert.match((await holderOf('u')) ?? '', /^a\//, 'nothing it did not hold was released');
    await assert.rejects(b.locker.acquire('w'), isUnavailable);
    await lockA.release();
  });

  it('Redis down: acquire fails fast with REDIS_UNAVAILABLE, a holder loses its lease; the same locker works again when Redis is back', async () => {
    keyPrefix = `test:${randomUUID()}:`;
    const port = await freePort();
    const url = `redis://127.0.0.1:${port}`;
    redisServer = await startRedisServer(port);
    const a = await instance('a', { leaseMs: 1000 }, url);
    const held = await a.locker.acquire('held');
    await (await a.locker.acquire('u')).release();

    await stopRedisServer(redisServer);
    await waitFor('the connection to notice', () => a.redis.status !== 'ready');
    const startedAt = performance.now();
    await assert.rejects(a.locker.acquire('u'), isUnavailable);
    assert.ok(performance.now() - startedAt < 500, 'fails at once, no hanging');
    await waitFor('the held lease to run out', () => held.lost.aborted, 5000);
    assert.throws(() => held.assertHeld(), isLost);
    await held.release(); // never rejects, Redis or not

    redisServer = await startRedisServer(port);
    await waitFor('reconnection', () => a.redis.status === 'ready' && a.subscriber.status === 'ready', 10_000);
    let asked = 0;
    const lock = await a.locker.acquire('u', { onReleaseRequested: () => (asked += 1) });
    const waiting = a.locker.acquire('u');
    await waitFor('pub/sub to work again (resubscribed)', () => asked === 1, 10_000);
    await lock.release();
    await (await waiting).release();
  });
});
