import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import net from 'node:net';
import { describe, it } from 'node:test';
import type supertest from 'supertest';
import { startFerry, type TestFerry } from '../http/harness.js';
import { waitFor } from '../support/tus-requests.js';

const REDIS_URL = 'redis://127.0.0.1:6379';
const DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/test';

/** A loopback port nothing listens on (taken, then let go). */
async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * GET /readyz once the instance's Redis connection had its chance: a fresh instance is not
 * ready until it has connected, so this asks until `settled` holds of the answer.
 */
async function readyzOnceSettled(test: TestFerry, settled: (response: supertest.Response) => boolean): Promise<supertest.Response> {
  let response: supertest.Response | undefined;
  await waitFor('/readyz to settle', async () => {
    response = await test.http().get('/readyz');
    return settled(response);
  });
  return response as supertest.Response;
}

function cluster(redisUrl: string, databaseUrl: string) {
  return { redisUrl, databaseUrl, redisKeyPrefix: `ferry-test:${randomUUID()}:`, instanceId: 'readyz-test' };
}

describe('/readyz', () => {
  it('single process: ready (no Redis, no database asked); 503 NOT_READY once shutting down; /healthz stays liveness', async () => {
    const test = await startFerry();
    const ready = await test.http().get('/readyz');
    assert.equal(ready.status, 200);
    assert.deepEqual(ready.body, { status: 'ready' });
    test.ferry.setShuttingDown();
    const stopping = await test.http().get('/readyz');
    assert.equal(stopping.status, 503);
    assert.equal(stopping.headers['content-type'], 'application/json');
    assert.equal(stopping.body.error.code, 'NOT_READY');
    assert.equal(stopping.body.error.message, 'The server is shutting down.');
  });

  it('cluster mode with Redis and PostgreSQL answering: ready, and no credential needed', async () => {
    const test = await startFerry({ ...cluster(REDIS_URL, DATABASE_URL), auth: 'jwt', jwtSecret: 'x'.repeat(32) });
    assert.equal((await test.http().get('/files/').set('Tus-Resumable', '1.0.0')).status, 401, 'the upload API needs a token');
    const ready = await readyzOnceSettled(test, (response) => response.status === 200);
    assert.deepEqual(ready.body, { status: 'ready' });
  });

  it('cluster mode with Redis unreachable: 503 NOT_READY naming redis as down; /healthz still 200', async () => {
    const test = await startFerry(cluster(`redis://127.0.0.1:${await freePort()}`, DATABASE_URL));
    const response = await test.http().get('/readyz');
    assert.equal(response.status, 503);
    assert.equal(response.headers['content-type'], 'application/json');
    assert.equal(response.body.error.code, 'NOT_READY');
    assert.equal(typeof response.body.error.message, 'string');
    assert.deepEqual(response.body.error.details, { redis: 'down', database: 'up' });
    const health = await test.http().get('/healthz');
    assert.equal(health.status, 200);
    assert.deepEqual(health.body, { status: 'ok' });
  });

  it('cluster mode with PostgreSQL unreachable: 503 NOT_READY naming the database as down; /healthz still 200', async () => {
    const test = await startFerry(cluster(REDIS_URL, `postgres://postgres@127.0.0.1:${await freePort()}/test`));
    const response = await readyzOnceSettled(test, (answer) => answer.body.error?.details?.redis === 'up');
    assert.equal(response.status, 503);
    assert.equal(response.body.error.code, 'NOT_READY');
    assert.deepEqual(response.body.error.details, { redis: 'up', database: 'down' });
    assert.equal((await test.http().get('/healthz')).status, 200);
  });
});

describe('/metrics in cluster mode', () => {
  it('every metric carries the instance label', async () => {
    const test = await startFerry(cluster(REDIS_URL, DATABASE_URL));
    const text = (await test.http().get('/metrics')).text;
    const samples = text.split('\n').filter((line) => line !== '' && !line.startsWith('#'));
    assert.ok(samples.length > 20);
    for (const line of samples) assert.match(line, /instance="readyz-test"/, line);
  });
});
