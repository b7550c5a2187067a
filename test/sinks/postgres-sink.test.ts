import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { type AddressInfo, connect, createServer, type Socket } from 'node:net';
import { type TestContext, test } from 'node:test';
import type { Schema } from '../../src/csv/types.js';
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
  await assert.rejects(sink.begin(makeSchema('unreachable', { id: 'integer' }), randomUUID()), isDatabaseFailed);
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
  await assert.rejects(sink.begin(makeSchema('silent', { id: 'integer' }), randomUUID()), isDatabaseFailed);
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
  await assert.rejects(sink.begin(makeSchema('silent', { id: 'integer' }), randomUUID()), isDatabaseFailed);
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

/**
 * A sink whose connections go through a proxy the test can cut, over `table` holding one
 * committed row (id 1); the proxy, the table and the reader are cleaned up after the test.
 */
async function sinkBehindCuttingProxy(t: TestContext, table: string, schema: Schema) {
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
  const setup = await sink.begin(schema, randomUUID());
  await setup.write([{ id: 1, name: 'kept' }]);
  await setup.commit();
  return { reader, proxy, sink };
}

for (const keyed of [false, true]) {
  test(`a connection broken mid-COPY rejects with IMPORT_DATABASE_FAILED and gives the client back (${keyed ? 'into staging' : 'into the table'})`, async (t) => {
    const table = `sink_test_${process.pid}_broken_${keyed ? 'keyed' : 'plain'}`;
    const schema = makeSchema(table, { id: 'integer', name: 'string' }, keyed ? ['id'] : []);
    const { reader, proxy, sink } = await sinkBehindCuttingProxy(t, table, schema);

    const transaction = await sink.begin(schema, randomUUID());
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

/** `count` rows from `first` on, ids ascending, in one batch. */
const batchOf = (first: number, count: number) => Array.from({ length: count }, (_, index) => ({ id: first + index, name: `row ${first + index}` }));

/** A sink with one connection, so a later transaction reuses the connection an earlier one left. */
async function openSingleConnectionSink(t: TestContext, table: string, primaryKey: string[] = []) {
  const schema = makeSchema(table, { id: 'integer', name: 'string' }, primaryKey);
  const reader = await connectReader();
  const sink = createPostgresSink({ connectionString: TEST_DATABASE_URL, maxConnections: 1 });
  t.after(async () => {
    await sink.close();
    await reader.query(`DROP TABLE IF EXISTS "${table}"`);
    await reader.end();
  });
  const setup = await sink.begin(schema, randomUUID());
  await setup.write([{ id: 1, name: 'kept' }]);
  await setup.commit();
  const ids = async () => (await reader.query<{ id: string }>(`SELECT id FROM "${table}" ORDER BY id`)).rows.map((row) => row.id);
  return { schema, reader, sink, ids };
}

test('a row PostgreSQL refuses in the middle of the COPY rejects the waiting write or commit, and the table is unchanged', async (t) => {
  const { schema, reader, sink, ids } = await openSingleConnectionSink(t, `sink_test_${process.pid}_refused`);
  await reader.query(`ALTER TABLE "${schema.table}" ADD CONSTRAINT positive_id CHECK (id > 0)`);

  const transaction = await sink.begin(schema, randomUUID());
  const outcome = await (async () => {
    for (let batch = 0; batch < 10; batch += 1) {
      // the third batch holds a row the CHECK refuses; JavaScript sees nothing wrong with it
      await transaction.write(batch === 2 ? [...batchOf(2000, 500), { id: -1, name: 'refused' }, ...batchOf(2500, 499)] : batchOf(10 + batch * 1000, 1000));
    }
    return transaction.commit();
  })().then(
    () => undefined,
    (error: unknown) => error,
  );
  assert.ok(isAppError(outcome, 'IMPORT_DATABASE_FAILED'), String(outcome));
  assert.equal(outcome.details?.databaseCode, '23514');
  await assert.rejects(transaction.commit(), (error: unknown) => isAppError(error, 'IMPORT_TRANSACTION_CLOSED'));
  await transaction.rollback();
  assert.deepEqual(await ids(), ['1']);

  // the one connection came back usable: the next import goes through
  const next = await sink.begin(schema, randomUUID());
  await next.write(batchOf(2, 2));
  assert.deepEqual(await next.commit(), { rows: 2 });
  assert.deepEqual(await ids(), ['1', '2', '3']);
});

for (const keyed of [false, true]) {
  test(`a rollback with the COPY still open leaves the table unchanged and the connection usable (${keyed ? 'into staging' : 'into the table'})`, async (t) => {
    const { schema, sink, ids } = await openSingleConnectionSink(t, `sink_test_${process.pid}_open_copy_${keyed ? 'keyed' : 'plain'}`, keyed ? ['id'] : []);
    const transaction = await sink.begin(schema, randomUUID());
    for (let batch = 0; batch < 5; batch += 1) await transaction.write(batchOf(10 + batch * 100, 100));
    await transaction.rollback();
    assert.deepEqual(await ids(), ['1']);

    const next = await sink.begin(schema, randomUUID());
    await next.write(batchOf(2, 1));
    await next.write(batchOf(3, 1));
    assert.deepEqual(await next.commit(), { rows: 2 });
    assert.deepEqual(await ids(), ['1', '2', '3']);
  });
}

test('a connection broken after the writes returned rejects the commit, and nothing is committed', async (t) => {
  const table = `sink_test_${process.pid}_broken_commit`;
  const schema = makeSchema(table, { id: 'integer', name: 'string' });
  const { reader, proxy, sink } = await sinkBehindCuttingProxy(t, table, schema);

  const transaction = await sink.begin(schema, randomUUID());
  await transaction.write(batchOf(2, 100));
  await transaction.write(batchOf(102, 100));
  proxy.cutAfter(0);
  await assert.rejects(transaction.commit(), isDatabaseFailed);
  await transaction.rollback();
  await sink.close();
  const count = await reader.query<{ count: string }>(`SELECT count(*) AS count FROM "${table}"`);
  assert.equal(count.rows[0]?.count, '1');
});
