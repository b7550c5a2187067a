import assert from 'node:assert/strict';
import { once } from 'node:events';
import { connect, createServer, type AddressInfo, type Socket } from 'node:net';
import { test } from 'node:test';
import { isAppError } from '../../src/errors/app-error.js';
import { createPostgresSink } from '../../src/imports/sinks/index.js';
import { connectReader, TEST_DATABASE_URL } from './harnesses.js';
import { makeSchema } from './schemas.js';

const isDatabaseFailed = (error: unknown) => {
  assert.ok(isAppError(error, 'IMPORT_DATABASE_FAILED'), String(error));
  assert.equal(error.status, 503);
  assert.ok(error.cause instanceof Error, 'carries the cause');
  return true;
};

test('a refused connection is IMPORT_DATABASE_FAILED at once', async () => {
  const sink = createPostgresSink({ connectionString: 'postgres://postgres@127.0.0.1:1/test' });
  const started = Date.now();
  await assert.rejects(sink.begin(makeSchema('unreachable', { id: 'integer' })), isDatabaseFailed);
  assert.ok(Date.now() - started < 2000, 'no wait for a refused connection');
  await sink.close();
});

test('a server that never answers is IMPORT_DATABASE_FAILED after the connection timeout, no hang', async (t) => {
  const sockets = new Set<Socket>();
  const silent = createServer((socket) => void sockets.add(socket));
  silent.listen(0, '127.0.0.1');
  await once(silent, 'listening');
  t.after(() => {
    for (const socket of sockets) socket.destroy();
    silent.close();
  });
  const { port } = silent.address() as AddressInfo;
  const sink = createPostgresSink({ connectionString: `postgres://postgres@127.0.0.1:${port}/test`, connectionTimeoutMs: 300 });
  const started = Date.now();
  await assert.rejects(sink.begin(makeSchema('silent', { id: 'integer' })), isDatabaseFailed);
  const elapsed = Date.now() - started;
  assert.ok(elapsed >= 250 && elapsed < 2000, `gave up after ${elapsed} ms`);
  await sink.close();
});

test('the connection timeout defaults to about 2 seconds', async (t) => {
  const silent = createServer(() => undefined);
  silent.listen(0, '127.0.0.1');
  await once(silent, 'listening');
  t.after(() => silent.close());
  const { port } = silent.address() as AddressInfo;
  const sink = createPostgresSink({ connectionString: `postgres://postgres@127.0.0.1:${port}/test` });
  const started = Date.now();
  await assert.rejects(sink.begin(makeSchema('silent', { id: 'integer' })), isDatabaseFailed);
  const elapsed = Date.now() - started;
  assert.ok(elapsed >= 1900 && elapsed < 4000, `gave up after ${elapsed} ms`);
  await sink.close();
});

/**
 * A loopback TCP proxy in front of PostgreSQL that cuts both sides once the client has
 * sent `cutAfterBytes` more bytes: a connection broken in the middle of a COPY.
 */
async function startCuttingProxy(target: URL): Promise<{ port: number; cutAfter(bytes: number): void; close(): void }> {
  const sockets = new Set<Socket>();
  let budget = Infinity;
  const proxy = createServer((client) => {
    const server = connect(Number(target.port || 5432), target.hostname);
    sockets.add(client).add(server);
    const cut = () => {
      client.destroy();
      server.destroy();
    };
    client.on('data', (chunk: Buffer) => {
      budget -= chunk.length;
      if (budget < 0) cut();
      else server.write(chunk);
    });
    server.on('data', (chunk: Buffer) => client.write(chunk));
    client.on('error', cut).on('close', cut);
    server.on('error', cut).on('close', cut);
  });
  proxy.listen(0, '127.0.0.1');
  await once(proxy, 'listening');
  return {
    port: (proxy.address() as AddressInfo).port,
    cutAfter(bytes) {
      budget = bytes;
    },
    close() {
      for (const socket of sockets) socket.destroy();
      proxy.close();
    },
  };
}

for (const keyed of [false, true]) {
  test(`a connection broken mid-COPY rejects with IMPORT_DATABASE_FAILED and gives the client back (${keyed ? 'into staging' : 'into the table'})`, async (t) => {
    const table = `sink_test_${process.pid}_broken_${keyed ? 'keyed' : 'plain'}`;
    const schema = makeSchema(table, { id: 'integer', name: 'string' }, keyed ? ['id'] : []);
    const reader = await connectReader();
    const proxy = await startCuttingProxy(new URL(TEST_DATABASE_URL));
    t.after(async () => {
      proxy.close();
      await reader.query(`DROP TABLE IF EXISTS "${table}"`);
      await reader.end();
    });
    const url = new URL(TEST_DATABASE_URL);
    url.host = `127.0.0.1:${proxy.port}`;
    const sink = createPostgresSink({ connectionString: url.toString() });

    const setup = await sink.begin(schema);
    await setup.write([{ id: 1, name: 'kept' }]);
    await setup.commit();

    const transaction = await sink.begin(schema);
    proxy.cutAfter(256 * 1024);
    const rows = Array.from({ length: 100_000 }, (_, id) => ({ id: id + 2, name: `row ${id}` }));
    await assert.rejects(transaction.write(rows), isDatabaseFailed);
    await assert.rejects(transaction.commit(), (error: unknown) => isAppError(error, 'IMPORT_TRANSACTION_CLOSED'));
    await transaction.rollback();
    await sink.close();
    const count = await reader.query<{ count: string }>(`SELECT count(*) AS count FROM "${table}"`);
    assert.equal(count.rows[0]?.count, '1');
  });
}
