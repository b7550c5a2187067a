import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { describe, type TestContext, test } from 'node:test';
import { Redis } from 'ioredis';
import pg from 'pg';
import { createBullmqImportQueue, type ImportQueue, type ImportRecord } from '../../src/imports/index.js';
import { importsDirectory } from '../../src/imports/records/import-files.js';
import { newRecord } from '../../src/imports/records/import-record.js';
import { createImportRecords } from '../../src/imports/records/import-records.js';
import { createLogger } from '../../src/logging/logger.js';
import { openStore, peopleCsv, storeUpload } from '../imports/harness.js';
import { makeTempDir } from '../support/temp-dir.js';
import { waitFor } from '../support/tus-requests.js';
import { type ImportClusterConfig, openClusterImportService, withSearchPath } from './support/import-cluster.js';

const REDIS_URL = process.env.FERRY_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const DATABASE_URL = process.env.FERRY_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const WORKER = path.resolve(import.meta.dirname, 'support/import-worker.ts');
const LEASE_MS = 2000;
const silent = createLogger('silent');

/** A cluster of the test's own: a PostgreSQL schema and a Redis key prefix, both removed after the test. */
async function openCluster(t: TestContext): Promise<ImportClusterConfig & { admin: pg.Client }> {
  const id = randomBytes(6).toString('hex');
  const schema = `ferry_cluster_${id}`;
  const keyPrefix = `ferry-test:${id}:`;
  const admin = new pg.Client({ connectionString: DATABASE_URL });
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${schema}`);
  t.after(async () => {
    await admin.query(`DROP SCHEMA ${schema} CASCADE`);
    await admin.end();
    await deleteKeys(keyPrefix);
  });
  return {
    admin,
    dataDir: await makeTempDir(),
    databaseUrl: withSearchPath(DATABASE_URL, schema),
    redisUrl: REDIS_URL,
    keyPrefix,
    table: `people_${id}`,
    jobLeaseMs: LEASE_MS,
  };
}

/** Deletes the test's keys only (never FLUSHDB: other tests share this Redis). */
async function deleteKeys(prefix: string): Promise<void> {
  const redis = new Redis(REDIS_URL);
  try {
    for await (const keys of redis.scanStream({ match: `${prefix}*`, count: 500 }) as AsyncIterable<string[]>) {
      if (keys.length > 0) await redis.del(...keys);
    }
  } finally {
    await redis.quit();
  }
}

async function countRows(cluster: { admin: pg.Client; table: string }, schemaOf: string): Promise<number> {
  const result = await cluster.admin.query<{ count: string }>(`SELECT count(*) FROM ${schemaOf}.${cluster.table}`);
  return Number(result.rows[0]?.count);
}

const schemaOf = (cluster: ImportClusterConfig): string => new URL(cluster.databaseUrl).searchParams.get('options')!.split('=')[1]!;

async function storedRecord(dataDir: string, id: string): Promise<ImportRecord | undefined> {
  try {
    return JSON.parse(await readFile(path.join(dataDir, 'imports', `${id}.json`), 'utf8')) as ImportRecord;
  } catch {
    return undefined;
  }
}

async function waitForRecord(dataDir: string, id: string, done: (record: ImportRecord) => boolean, timeoutMs = 30_000): Promise<ImportRecord> {
  let record: ImportRecord | undefined;
  await waitFor(
    `import ${id}`,
    async () => {
      record = await storedRecord(dataDir, id);
      return record !== undefined && done(record);
    },
    timeoutMs,
  );
  return record!;
}

describe('cluster imports: BullMQ queue, shared data dir, PostgreSQL', () => {
  test('two instances, 20 finished uploads each reported to both: every upload is imported exactly once', async (t) => {
    const cluster = await openCluster(t);
    const store = openStore(t, cluster.dataDir);
    const rows = 50;
    const uploads = await Promise.all(
      Array.from({ length: 20 }, () => storeUpload(store, randomBytes(16).toString('hex'), peopleCsv(rows), { schema: 'people' })),
    );
    const logs: Record<string, unknown>[][] = [[], []];
    const services = logs.map((lines) => openClusterImportService(cluster, store, lines));
    t.after(() => Promise.all(services.map((service) => service.closeAll())));
    await Promise.all(uploads.flatMap((upload) => services.map((service) => service.onUploadFinished(upload))));
    for (const upload of uploads) {
      const record = await waitForRecord(cluster.dataDir, `upload-${upload.id}`, (stored) => stored.status === 'succeeded' || stored.status === 'failed');
      assert.equal(record.status, 'succeeded', JSON.stringify(record.failure));
      assert.equal(record.attempts, 1);
      assert.equal(record.summary.rowsImported, rows);
    }
    assert.equal(await countRows(cluster, schemaOf(cluster)), uploads.length * rows);
    const ledger = await cluster.admin.query(`SELECT count(*)::int AS count FROM ${schemaOf(cluster)}.ferry_import_commits`);
    assert.equal(ledger.rows[0].count, uploads.length);
    const started = logs.map((lines) => lines.filter((line) => line.msg === 'import started').length);
    assert.equal(started[0]! + started[1]!, uploads.length, `runs per instance: ${started.join(', ')}`);
  });

  test('one job enqueued twice from each of two queues runs once', async (t) => {
    const cluster = await openCluster(t);
    const runs: string[] = [];
    let release!: () => void;
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    const queues: ImportQueue[] = ['a', 'b'].map((name) =>
      createBullmqImportQueue({
        redisUrl: cluster.redisUrl,
        keyPrefix: cluster.keyPrefix,
        jobLeaseMs: LEASE_MS,
        logger: silent,
        onError: (error) => assert.fail(String(error)),
        async handle(job) {
          runs.push(`${name}:${job.id}`);
          await released;
        },
      }),
    );
    t.after(() => Promise.all(queues.map((queue) => queue.close())));
    const id = `upload-${randomBytes(16).toString('hex')}`;
    await Promise.all(queues.flatMap((queue) => [queue.enqueue({ id }), queue.enqueue({ id })]));
    await waitFor('the job to start', () => runs.length > 0);
    assert.equal(await queues[0]!.has?.(id), true);
    await Promise.all(queues.flatMap((queue) => [queue.enqueue({ id }), queue.enqueue({ id })]));
    release();
    await Promise.all(queues.map((queue) => queue.onIdle()));
    assert.equal(runs.length, 1, runs.join(', '));
    assert.equal(await queues[1]!.has?.(id), false);
  });

  test('close aborts the running job, which goes back to the queue for another instance', async (t) => {
    const cluster = await openCluster(t);
    const runs: string[] = [];
    const aborted: unknown[] = [];
    const open = (name: string): ImportQueue =>
      createBullmqImportQueue({
        redisUrl: cluster.redisUrl,
        keyPrefix: cluster.keyPrefix,
        jobLeaseMs: LEASE_MS,
        logger: silent,
        onError: (error) => assert.fail(String(error)),
        closeReason: () => new Error('closing'),
        async handle(job, signal) {
          runs.push(`${name}:${job.id}`);
          if (name !== 'first') return;
          await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
          aborted.push(signal.reason);
        },
      });
    const first = open('first');
    const id = randomBytes(16).toString('hex');
    await first.enqueue({ id });
    await waitFor('the first queue to run the job', () => runs.length === 1);
    await first.close();
    assert.deepEqual(
      aborted.map((reason) => (reason as Error).message),
      ['closing'],
    );
    const second = open('second');
    t.after(() => second.close());
    await waitFor('the second queue to run the job', () => runs.length === 2);
    await second.onIdle();
    assert.deepEqual(runs, [`first:${id}`, `second:${id}`]);
  });

  test('an instance SIGKILLed mid-import: another takes the job after the lease; the rows land once', async (t) => {
    const cluster = await openCluster(t);
    const store = openStore(t, cluster.dataDir);
    const rows = 300_000;
    const upload = await storeUpload(store, randomBytes(16).toString('hex'), peopleCsv(rows), { schema: 'people' });
    const id = `upload-${upload.id}`;
    const child = spawn(process.execPath, ['--import', 'tsx', WORKER], {
      env: { ...process.env, FERRY_TEST_IMPORT_CLUSTER: JSON.stringify(cluster), FERRY_TEST_UPLOAD_ID: upload.id },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const exited = once(child, 'exit');
    t.after(() => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    });
    await once(createInterface({ input: child.stdout! }), 'line');
    const running = await waitForRecord(cluster.dataDir, id, (record) => {
      assert.notEqual(record.status, 'succeeded', 'the import finished before the instance could be killed');
      return record.status === 'running' && record.summary.rowsRead > 0;
    });
    assert.equal(running.attempts, 1);
    child.kill('SIGKILL');
    assert.deepEqual(await exited, [null, 'SIGKILL']);

    const survivor = openClusterImportService(cluster, store);
    t.after(() => survivor.closeAll());
    const record = await waitForRecord(cluster.dataDir, id, (stored) => stored.status === 'succeeded' || stored.status === 'failed', 40_000);
    assert.equal(record.status, 'succeeded', JSON.stringify(record.failure));
    assert.equal(record.attempts, 2);
    assert.equal(record.summary.rowsImported, rows);
    assert.equal(await countRows(cluster, schemaOf(cluster)), rows);
  });

  test('recovery on another instance leaves an import the shared queue holds alone', async (t) => {
    const cluster = await openCluster(t);
    const store = openStore(t, cluster.dataDir);
    const rows = 300_000;
    const upload = await storeUpload(store, randomBytes(16).toString('hex'), peopleCsv(rows), { schema: 'people' });
    const id = `upload-${upload.id}`;
    const runner = openClusterImportService(cluster, store);
    t.after(() => runner.closeAll());
    await runner.onUploadFinished(upload);
    await waitForRecord(cluster.dataDir, id, (record) => {
      assert.notEqual(record.status, 'succeeded', 'the import finished before recovery could look at it');
      return record.status === 'running';
    });
    const logs: Record<string, unknown>[] = [];
    const other = openClusterImportService(cluster, store, logs);
    t.after(() => other.closeAll());
    await other.recover();
    assert.equal((await storedRecord(cluster.dataDir, id))?.status, 'running', 'still running when recovery looked');
    assert.deepEqual(
      logs.filter((line) => line.importId === id).map((line) => line.msg),
      [],
    );
    const record = await waitForRecord(cluster.dataDir, id, (stored) => stored.status === 'succeeded' || stored.status === 'failed');
    assert.deepEqual([record.status, record.attempts, record.summary.rowsImported], ['succeeded', 1, rows]);
    assert.equal(await countRows(cluster, schemaOf(cluster)), rows);
  });

  test('two instances creating one automatic import record at once: the first write wins', async () => {
    const dataDir = await makeTempDir();
    const upload = { id: randomBytes(16).toString('hex'), size: 10, offset: 10 };
    const instances = [createImportRecords(importsDirectory(dataDir)), createImportRecords(importsDirectory(dataDir))];
    const records = instances.map((_, index) => ({ ...newRecord(`upload-${upload.id}`, upload, `schema-${index}`, 'all-or-nothing', 10) }));
    const created = await Promise.all(instances.flatMap((instance, index) => [instance.create(records[index]!), instance.create(records[index]!)]));
    assert.equal(created.filter(Boolean).length, 1, String(created));
    const stored = await storedRecord(dataDir, `upload-${upload.id}`);
    assert.equal(stored?.schema, `schema-${created.indexOf(true) < 2 ? 0 : 1}`);
    assert.deepEqual((await readdir(importsDirectory(dataDir))).sort(), [`upload-${upload.id}.json`]);
  });

  test('the commit ledger: a re-run of an import whose rows were committed inserts nothing and settles it', async (t) => {
    const cluster = await openCluster(t);
    const store = openStore(t, cluster.dataDir);
    const rows = 40;
    const upload = await storeUpload(store, randomBytes(16).toString('hex'), peopleCsv(rows), { schema: 'people' });
    const id = `upload-${upload.id}`;
    const first = openClusterImportService(cluster, store);
    await first.onUploadFinished(upload);
    const done = await waitForRecord(cluster.dataDir, id, (record) => record.status === 'succeeded');
    await first.closeAll();
    // The worker died after COMMIT, before it saved the outcome: the record still says running.
    const { finishedAt: _finished, ...unfinished } = done;
    await writeFile(path.join(cluster.dataDir, 'imports', `${id}.json`), JSON.stringify({ ...unfinished, status: 'running' }));

    const logs: Record<string, unknown>[] = [];
    const second = openClusterImportService(cluster, store, logs);
    t.after(() => second.closeAll());
    await second.recover();
    const settled = await waitForRecord(cluster.dataDir, id, (record) => record.status === 'succeeded');
    assert.equal(settled.attempts, 1, 'settled from the ledger, not run again');
    assert.equal(settled.summary.rowsImported, rows);
    assert.equal(await countRows(cluster, schemaOf(cluster)), rows);
    assert.ok(logs.some((line) => line.msg === 'import committed by an earlier run: settled from the commit ledger, not written again'));
    assert.equal(
      logs.some((line) => line.msg === 'import started'),
      false,
    );
  });
});
