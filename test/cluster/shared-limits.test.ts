import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import net from 'node:net';
import { after, test } from 'node:test';
import type { Redis } from 'ioredis';
import { connectRedis, REDIS_RETRY_AFTER_SECONDS, redisReady } from '../../src/cluster/redis-connection.js';
import { createLimits, type Limits, type LimitsOptions, type SharedQuotaLedger } from '../../src/limits/index.js';
import type { Upload } from '../../src/uploads/upload.js';

const REDIS_URL = 'redis://127.0.0.1:6379';
const connections: Redis[] = [];
const prefixes: string[] = [];

after(async () => {
  const cleaner = connectRedis(REDIS_URL, 'shared-limits-cleanup');
  await redisReady(cleaner);
  for (const prefix of prefixes) {
    for await (const keys of cleaner.scanStream({ match: `${prefix}*`, count: 500 }) as AsyncIterable<string[]>) {
      if (keys.length > 0) await cleaner.del(...keys);
    }
  }
  for (const redis of [...connections, cleaner]) redis.disconnect();
});

function limitsOptions(overrides: Partial<LimitsOptions>): LimitsOptions {
  return {
    quotaBytes: 0,
    quotaUploads: 0,
    minFreeBytes: 0,
    freeSpace: async () => Number.MAX_SAFE_INTEGER,
    createsPerMinute: 0,
    requestsPerSecond: 0,
    concurrentPatches: 0,
    authFailuresPerMinute: 0,
    ...overrides,
  };
}

async function connect(url = REDIS_URL): Promise<Redis> {
  const redis = connectRedis(url, 'shared-limits-test');
  connections.push(redis);
  await redisReady(redis);
  return redis;
}

/** Two instances' limits on one Redis, under a prefix of their own. */
async function twoInstances(overrides: Partial<LimitsOptions>): Promise<[Limits<SharedQuotaLedger>, Limits<SharedQuotaLedger>]> {
  const keyPrefix = `test-${randomUUID()}:`;
  prefixes.push(keyPrefix);
  const options = limitsOptions(overrides);
  return [createLimits(options, { redis: await connect(), keyPrefix }), createLimits(options, { redis: await connect(), keyPrefix })];
}

function upload(id: string, fields: Partial<Upload>): Upload {
  return { id, offset: 0, protocol: 'tus', createdAt: new Date(0).toISOString(), ...fields };
}

async function rejectsWith(promise: Promise<unknown>, code: string, status: number): Promise<Record<string, unknown>> {
  const error = await promise.then(
    () => assert.fail(`expected ${code}`),
    (reason: unknown) => reason as { code: string; status: number; details: Record<string, unknown> },
  );
  assert.equal(error.code, code);
  assert.equal(error.status, status);
  return error.details;
}

test('creations per minute are counted across both instances', async () => {
  const [a, b] = await twoInstances({ createsPerMinute: 3 });
  assert.equal((await a.requests.creation('owner:x'))?.remaining, 2);
  assert.equal((await b.requests.creation('owner:x'))?.remaining, 1);
  assert.equal((await a.requests.creation('owner:x'))?.remaining, 0);
  const details = await rejectsWith(b.requests.creation('owner:x'), 'RATE_CREATES_EXCEEDED', 429);
  assert.equal(details.limit, 3);
  assert.equal(typeof details.retryAfter, 'number');
  assert.equal((await b.requests.creation('owner:y'))?.remaining, 2);
});

test('requests per window are counted across both instances', async () => {
  // A minute-long window, so the test cannot straddle a window's end.
  const [a, b] = await twoInstances({ requestsPerSecond: 4, requestWindowMs: 60_000 });
  for (const instance of [a, b, a, b]) await instance.requests.request('ip:10.0.0.1');
  await rejectsWith(a.requests.request('ip:10.0.0.1'), 'RATE_REQUESTS_EXCEEDED', 429);
  await rejectsWith(b.requests.request('ip:10.0.0.1'), 'RATE_REQUESTS_EXCEEDED', 429);
});

test('the concurrent PATCH cap holds across both instances, and an ended PATCH frees its slot', async () => {
  const [a, b] = await twoInstances({ concurrentPatches: 2 });
  const endFirst = await a.requests.patch('owner:x', 'u1');
  await b.requests.patch('owner:x', 'u2');
  await rejectsWith(a.requests.patch('owner:x', 'u3'), 'RATE_CONCURRENT_PATCHES_EXCEEDED', 429);
  await rejectsWith(b.requests.patch('owner:x', 'u3'), 'RATE_CONCURRENT_PATCHES_EXCEEDED', 429);
  endFirst();
  const deadline = Date.now() + 5000;
  for (;;) {
    try {
      await b.requests.patch('owner:x', 'u3');
      break;
    } catch (error) {
      // The slot is given back without waiting for Redis: poll until it is.
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
});

test('quota: 50 reservations racing from both instances win exactly as many as the byte quota allows', async () => {
  const [a, b] = await twoInstances({ quotaBytes: 1000, quotaUploads: 100 });
  const outcomes = await Promise.allSettled(Array.from({ length: 50 }, (_, index) => (index % 2 === 0 ? a : b).ledger.reserve('alice', 100)));
  const won = outcomes.filter((outcome) => outcome.status === 'fulfilled');
  assert.equal(won.length, 10);
  for (const outcome of outcomes) if (outcome.status === 'rejected') assert.equal(outcome.reason.code, 'QUOTA_BYTES_EXCEEDED');
  assert.deepEqual(await a.ledger.usage('alice'), { bytes: 1000, uploads: 10 });
  assert.deepEqual(await b.ledger.usage('bob'), { bytes: 0, uploads: 0 });
});

test('quota: 50 reservations racing from both instances win exactly as many as the upload quota allows', async () => {
  const [a, b] = await twoInstances({ quotaUploads: 7 });
  const outcomes = await Promise.allSettled(Array.from({ length: 50 }, (_, index) => (index % 2 === 0 ? a : b).ledger.reserve(undefined, 5)));
  assert.equal(outcomes.filter((outcome) => outcome.status === 'fulfilled').length, 7);
  for (const outcome of outcomes) if (outcome.status === 'rejected') assert.equal(outcome.reason.code, 'QUOTA_UPLOADS_EXCEEDED');
  assert.deepEqual(await b.ledger.usage(undefined), { bytes: 35, uploads: 7 });
});

test('quota: cancel, finish and remove on one instance give room back to the other', async () => {
  const [a, b] = await twoInstances({ quotaBytes: 100, quotaUploads: 2 });
  const first = await a.ledger.reserve('alice', 40);
  const second = await a.ledger.reserve('alice', 60);
  await rejectsWith(b.ledger.reserve('alice', 1), 'QUOTA_BYTES_EXCEEDED', 403);
  await second.cancel();
  await second.cancel(); // settled once only
  assert.deepEqual(await b.ledger.usage('alice'), { bytes: 40, uploads: 1 });
  await first.commit('u1');
  const third = await b.ledger.reserve('alice', 60);
  await third.commit('u2');
  await rejectsWith(a.ledger.reserve('alice', 1), 'QUOTA_BYTES_EXCEEDED', 403);
  assert.equal(await a.ledger.isUnfinished('u2', 'alice'), true);
  assert.equal(await a.ledger.isUnfinished('u2', 'bob'), false);
  assert.equal(await a.ledger.ownerOf('u2'), 'alice');

  // u1 finishes on instance b: its length still counts, its unfinished slot is free.
  await b.ledger.track(upload('u1', { owner: 'alice', size: 40, offset: 40 }));
  await b.ledger.track(upload('u1', { owner: 'alice', size: 40, offset: 40 })); // tracking again counts once
  assert.deepEqual(await a.ledger.usage('alice'), { bytes: 100, uploads: 1 });
  assert.equal(await a.ledger.isUnfinished('u1', 'alice'), false);
  await a.ledger.remove('u1');
  await a.ledger.remove('u1');
  assert.deepEqual(await b.ledger.usage('alice'), { bytes: 60, uploads: 1 });
  await (await b.ledger.reserve('alice', 40)).commit('u3');
  assert.deepEqual((await a.ledger.ids()).sort(), ['u2', 'u3']);
});

test('quota: a deferred length grows across instances up to the quota, and its declaration is checked', async () => {
  const [a, b] = await twoInstances({ quotaBytes: 100 });
  await (await a.ledger.reserve('alice', undefined)).commit('d1');
  await (await a.ledger.reserve('alice', 30)).commit('u1');
  assert.deepEqual(await b.ledger.grow('d1', 50), { allowed: 50, used: 80 });
  assert.deepEqual(await a.ledger.grow('d1', 50), { allowed: 20, used: 100 });
  assert.deepEqual(await b.ledger.grow('u1', 50), { allowed: 50, used: 0 }); // a declared length is counted already
  await b.ledger.track(upload('d1', { owner: 'alice', offset: 60 }));
  assert.deepEqual(await a.ledger.usage('alice'), { bytes: 90, uploads: 2 });
  await rejectsWith(a.ledger.declare('d1', 71), 'QUOTA_BYTES_EXCEEDED', 403);
  await b.ledger.declare('d1', 70);
  assert.deepEqual(await a.ledger.usage('alice'), { bytes: 100, uploads: 2 });
});

test('rebuild: three instances starting at once count each stored upload once', async () => {
  const keyPrefix = `test-${randomUUID()}:`;
  prefixes.push(keyPrefix);
  const stored = [upload('s1', { owner: 'alice', size: 10, offset: 4 }), upload('s2', { owner: 'alice', size: 20, offset: 20 }), upload('s3', { offset: 7 })];
  async function* storedUploads(): AsyncGenerator<Upload> {
    for (const item of stored) {
      await new Promise((resolve) => setImmediate(resolve));
      yield item;
    }
  }
  const instances = await Promise.all([1, 2, 3].map(async () => createLimits(limitsOptions({ quotaBytes: 1000 }), { redis: await connect(), keyPrefix })));
  const built = await Promise.all(instances.map((instance) => instance.ledger.rebuild(storedUploads())));
  assert.equal(built.filter(Boolean).length, 1);
  await Promise.all(instances.map((instance) => instance.rebuild(storedUploads())));
  assert.deepEqual(await instances[0]?.ledger.usage('alice'), { bytes: 30, uploads: 1 });
  assert.deepEqual(await instances[1]?.ledger.usage(undefined), { bytes: 7, uploads: 1 });
  assert.equal(await instances[2]?.ledger.isUnfinished('s3', undefined), true);
});

test('Redis loses its data: the next reservation or growth rebuilds the ledger from the stored uploads before counting', async () => {
  const keyPrefix = `test-${randomUUID()}:`;
  prefixes.push(keyPrefix);
  const stored = [upload('s1', { owner: 'alice', size: 60, offset: 10 }), upload('d1', { owner: 'alice', offset: 20 })];
  async function* storedUploads(): AsyncGenerator<Upload> {
    yield* stored;
  }
  const redis = await connect();
  const options = limitsOptions({ quotaBytes: 100 });
  const [a, b] = [createLimits(options, { redis, keyPrefix, storedUploads }), createLimits(options, { redis: await connect(), keyPrefix, storedUploads })];
  // Nothing rebuilt at start: the first reservation builds the ledger, and counts on it.
  await rejectsWith(a.ledger.reserve('alice', 21), 'QUOTA_BYTES_EXCEEDED', 403);
  assert.deepEqual(await b.ledger.usage('alice'), { bytes: 80, uploads: 2 });

  // Every key of the ledger gone (as after a restart of a Redis without persistence).
  const ledgerKeys = await redis.keys(`${keyPrefix}quota:*`);
  assert.ok(ledgerKeys.length > 0);
  await redis.del(...ledgerKeys);
  assert.deepEqual(await a.ledger.grow('d1', 30), { allowed: 20, used: 100 });
  await rejectsWith(b.ledger.reserve('alice', 1), 'QUOTA_BYTES_EXCEEDED', 403);
});

test('auth failures are counted across both instances', async () => {
  const [a, b] = await twoInstances({ authFailuresPerMinute: 3 });
  await a.recordAuthFailure('10.0.0.9');
  await b.recordAuthFailure('10.0.0.9');
  await a.checkAuthFailures('10.0.0.9');
  await a.recordAuthFailure('10.0.0.9');
  const details = await rejectsWith(b.checkAuthFailures('10.0.0.9'), 'RATE_AUTH_FAILURES', 429);
  assert.equal(details.policy, 'auth-failures');
  await b.checkAuthFailures('10.0.0.10');
});

async function freePort(): Promise<number> {
  const server = net.createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as net.AddressInfo;
  server.close();
  await once(server, 'close');
  return port;
}

function startRedisServer(port: number): ChildProcess {
  return spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
}

async function until(condition: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) assert.fail('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

test('Redis out of reach: every shared limit fails closed with REDIS_UNAVAILABLE (503, retryAfter); the same Limits recover when Redis is back', async (t) => {
  const port = await freePort();
  let server = startRedisServer(port);
  t.after(() => {
    server.kill('SIGKILL');
  });
  const url = `redis://127.0.0.1:${port}`;
  const redis = connectRedis(url, 'shared-limits-outage');
  connections.push(redis);
  await until(async () => redis.status === 'ready');
  const limits = createLimits(
    limitsOptions({ quotaBytes: 100, createsPerMinute: 100, requestsPerSecond: 100, concurrentPatches: 5, authFailuresPerMinute: 5 }),
    {
      redis,
      keyPrefix: 'outage:',
    },
  );
  await limits.requests.creation('owner:x');
  await (await limits.ledger.reserve('alice', 10)).commit('u1');

  server.kill('SIGKILL');
  await once(server, 'exit');
  await until(async () => redis.status !== 'ready');
  const refusals = [
    limits.requests.creation('owner:x'),
    limits.requests.request('owner:x'),
    limits.requests.patch('owner:x', 'u1'),
    limits.checkAuthFailures('10.0.0.1'),
    limits.recordAuthFailure('10.0.0.1'),
    limits.ledger.reserve('alice', 10),
    limits.admission.admitCreation('alice', 10),
    limits.ledger.grow('u1', 10),
    limits.ledger.usage('alice'),
  ];
  for (const refusal of refusals) {
    const details = await rejectsWith(refusal, 'REDIS_UNAVAILABLE', 503);
    assert.deepEqual(details, { retryAfter: REDIS_RETRY_AFTER_SECONDS });
  }

  // Same port, an empty Redis (no persistence): the same Limits object serves again.
  server = startRedisServer(port);
  await until(async () => redis.status === 'ready');
  await until(() =>
    limits.requests.creation('owner:x').then(
      () => true,
      () => false,
    ),
  );
  await (await limits.ledger.reserve('alice', 10)).commit('u2');
  assert.deepEqual(await limits.ledger.usage('alice'), { bytes: 10, uploads: 1 });
});
