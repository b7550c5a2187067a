import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, type TestContext, test } from 'node:test';
import { Upload } from '@tus/utils';
import { createSchemaRegistry, defineSchema } from '../../src/csv/schema/index.js';
import { createImportService, createLazySink, type ImportRecord, type ImportService } from '../../src/imports/index.js';
import { createSink } from '../../src/imports/sinks/index.js';
import { createLogger } from '../../src/logging/logger.js';
import type { FerryStore } from '../../src/store/index.js';
import { makeTempDir } from '../support/temp-dir.js';
import { waitFor } from '../support/tus-requests.js';
import { openStore, peopleCsv, peopleSchema, sqliteCount, storeUpload } from './harness.js';

const UPLOAD_ID = 'a'.repeat(32);
const BIG_ROWS = 150_000;

/** One service on `dataDir` (a "process"); `close` it to stop it, as ferry.close() does. */
function openService(
  dataDir: string,
  store: FerryStore,
  logs: Record<string, unknown>[] = [],
  databaseUrl = '',
): ImportService & { closeAll(): Promise<void> } {
  const sink = createLazySink(() => createSink({ dataDir, databaseUrl }));
  const logger = createLogger('info', { write: (line: string) => void logs.push(JSON.parse(line) as Record<string, unknown>) });
  const service = createImportService({ dataDir, schemas: createSchemaRegistry([defineSchema(peopleSchema())]), sink, store, logger, progressIntervalMs: 50 });
  return Object.assign(service, {
    async closeAll() {
      await service.close();
      await sink.close();
    },
  });
}

async function finished(service: ImportService, id: string): Promise<ImportRecord> {
  let state: ImportRecord | undefined;
  await waitFor(
    `import ${id}`,
    async () => {
      state = await service.get(id).catch(() => undefined);
      return state?.status === 'succeeded' || state?.status === 'failed';
    },
    60_000,
  );
  return state!;
}

/** Waits until `id` has read some rows, then stops the service in the middle of it. */
async function closeWhileRunning(service: ImportService & { closeAll(): Promise<void> }, id: string): Promise<void> {
  await waitFor(
    `import ${id} running`,
    async () => {
      const state = await service.get(id).catch(() => undefined);
      assert.notEqual(state?.status, 'succeeded', 'the import finished before it could be interrupted');
      return state?.status === 'running' && state.summary.rowsRead > 0;
    },
    30_000,
  );
  await service.closeAll();
}

async function storedState(dataDir: string, id: string): Promise<ImportRecord> {
  return JSON.parse(await readFile(path.join(dataDir, 'imports', `${id}.json`), 'utf8')) as ImportRecord;
}

async function setup(t: TestContext, content: string, metadata: Record<string, string> = { schema: 'people' }) {
  const dataDir = await makeTempDir();
  const store = openStore(t, dataDir);
  const upload = await storeUpload(store, UPLOAD_ID, content, metadata);
  return { dataDir, store, upload };
}

describe('automatic imports run exactly once', () => {
  test('repeated finish events, and a restart, never start a second import', async (t) => {
    const { dataDir, store, upload } = await setup(t, peopleCsv(50));
    const first = openService(dataDir, store);
    await Promise.all([first.onUploadFinished(upload), first.onUploadFinished(upload)]);
    await first.onUploadFinished(upload);
    const state = await finished(first, `upload-${UPLOAD_ID}`);
    assert.deepEqual([state.status, state.summary.rowsImported, state.attempts], ['succeeded', 50, 1]);
    await first.onUploadFinished(upload);
    await first.closeAll();

    const second = openService(dataDir, store);
    await second.recover();
    await second.onUploadFinished(upload);
    await second.closeAll();

    assert.deepEqual(
      (await readdir(path.join(dataDir, 'imports'))).filter((file) => file.endsWith('.json')),
      [`upload-${UPLOAD_ID}.json`],
    );
    assert.equal(sqliteCount(dataDir, 'people'), 50, 'the rows are there once');
    assert.equal((await storedState(dataDir, `upload-${UPLOAD_ID}`)).attempts, 1);
  });

  test('an upload without schema metadata starts nothing; a bad mode is recorded as a failed import', async (t) => {
    const { dataDir, store, upload } = await setup(t, peopleCsv(1), { filename: 'x.csv' });
    const service = openService(dataDir, store);
    t.after(() => service.closeAll());
    await service.onUploadFinished(upload);
    await assert.rejects(service.get(`upload-${UPLOAD_ID}`), { code: 'IMPORT_NOT_FOUND' });

    const other = await storeUpload(store, 'b'.repeat(32), peopleCsv(1), { schema: 'people', mode: 'sometimes' });
    await service.onUploadFinished(other);
    const state = await service.get(`upload-${'b'.repeat(32)}`);
    assert.equal(state.status, 'failed');
    assert.equal(state.failure?.code, 'IMPORT_REQUEST_INVALID');
    assert.match(state.failure?.message ?? '', /mode metadata must be one of all-or-nothing, skip-bad-rows, validate/);
  });
});

describe('restarts', () => {
  test('close() stops a running import, rolled back and queued; the next start runs it again, rows once', async (t) => {
    const { dataDir, store, upload } = await setup(t, peopleCsv(BIG_ROWS));
    const logs: Record<string, unknown>[] = [];
    const first = openService(dataDir, store, logs);
    await first.onUploadFinished(upload);
    await closeWhileRunning(first, `upload-${UPLOAD_ID}`);
    const interrupted = await storedState(dataDir, `upload-${UPLOAD_ID}`);
    assert.deepEqual([interrupted.status, interrupted.attempts], ['queued', 1]);
    assert.ok(logs.some((entry) => entry.msg === 'import interrupted by shutdown and rolled back; it runs again at the next start'));

    const second = openService(dataDir, store);
    t.after(() => second.closeAll());
    await second.recover();
    const state = await finished(second, `upload-${UPLOAD_ID}`);
    assert.deepEqual([state.status, state.summary.rowsImported, state.attempts], ['succeeded', BIG_ROWS, 2]);
    assert.equal(sqliteCount(dataDir, 'people'), BIG_ROWS);
  });

  test('an import interrupted on its second run too fails with IMPORT_INTERRUPTED and writes nothing', async (t) => {
    const { dataDir, store, upload } = await setup(t, peopleCsv(BIG_ROWS));
    const first = openService(dataDir, store);
    await first.onUploadFinished(upload);
    await closeWhileRunning(first, `upload-${UPLOAD_ID}`);

    const second = openService(dataDir, store);
    await second.recover();
    await closeWhileRunning(second, `upload-${UPLOAD_ID}`);

    const third = openService(dataDir, store);
    t.after(() => third.closeAll());
    await third.recover();
    const state = await third.get(`upload-${UPLOAD_ID}`);
    assert.deepEqual([state.status, state.failure?.code, state.attempts], ['failed', 'IMPORT_INTERRUPTED', 2]);
    assert.deepEqual(await storedState(dataDir, `upload-${UPLOAD_ID}`), state);
    assert.throws(() => sqliteCount(dataDir, 'people'), /no such table/, 'the interrupted runs left nothing behind');
  });

  test('state on disk follows a running import (progress saved while it runs)', async (t) => {
    const { dataDir, store, upload } = await setup(t, peopleCsv(BIG_ROWS));
    const service = openService(dataDir, store);
    t.after(() => service.closeAll());
    await service.onUploadFinished(upload);
    await waitFor(
      'progress on disk',
      async () => {
        const state = await storedState(dataDir, `upload-${UPLOAD_ID}`);
        assert.notEqual(state.status, 'succeeded', 'finished before any progress was saved');
        return state.status === 'running' && state.progress.bytesRead > 0 && state.progress.bytesTotal === upload.size && state.summary.rowsRead > 0;
      },
      30_000,
    );
    const state = await finished(service, `upload-${UPLOAD_ID}`);
    assert.equal(state.progress.bytesRead, upload.size);
  });
});

describe('automatic imports a crash lost', () => {
  const SCANNED = 'finished uploads scanned for missed automatic imports';

  /** recover() and waits for its background scan; returns how many imports it started. */
  async function recoverAndScan(service: ImportService, logs: Record<string, unknown>[]): Promise<number> {
    await service.recover();
    await waitFor('the start-up scan', () => logs.some((entry) => entry.msg === SCANNED));
    return logs.find((entry) => entry.msg === SCANNED)!.started as number;
  }

  test('recover() imports finished uploads with schema metadata and no import, once; never unfinished or schema-less ones', async (t) => {
    const { dataDir, store } = await setup(t, peopleCsv(20));
    const unfinished = 'b'.repeat(32);
    await store.create(new Upload({ id: unfinished, size: 100, offset: 0, metadata: { schema: 'people' } }));
    await store.append([Buffer.from(peopleCsv(1))], unfinished, 0, 100);
    await storeUpload(store, 'c'.repeat(32), peopleCsv(5), { filename: 'plain.csv' });
    await storeUpload(store, 'd'.repeat(32), peopleCsv(5), { schema: 'nobody' });

    const logs: Record<string, unknown>[] = [];
    const first = openService(dataDir, store, logs);
    assert.equal(await recoverAndScan(first, logs), 2);
    const state = await finished(first, `upload-${UPLOAD_ID}`);
    assert.deepEqual([state.status, state.summary.rowsImported, state.attempts], ['succeeded', 20, 1]);
    const unknown = await first.get(`upload-${'d'.repeat(32)}`);
    assert.deepEqual([unknown.status, unknown.failure?.code], ['failed', 'IMPORT_SCHEMA_UNKNOWN']);
    await first.closeAll();

    const again: Record<string, unknown>[] = [];
    const second = openService(dataDir, store, again);
    t.after(() => second.closeAll());
    assert.equal(await recoverAndScan(second, again), 0);
    assert.equal(sqliteCount(dataDir, 'people'), 20, 'the rows are there once');
    assert.equal((await storedState(dataDir, `upload-${UPLOAD_ID}`)).attempts, 1);
    const records = (await readdir(path.join(dataDir, 'imports'))).filter((file) => file.endsWith('.json')).sort();
    assert.deepEqual(records, [`upload-${UPLOAD_ID}.json`, `upload-${'d'.repeat(32)}.json`]);
  });
});

describe('failures', () => {
  test('once closed, the service takes no new import: IMPORT_SERVICE_CLOSED, no HTTP code', async (t) => {
    const { dataDir, store } = await setup(t, peopleCsv(1));
    const service = openService(dataDir, store);
    await service.closeAll();
    await assert.rejects(service.start({ uploadId: UPLOAD_ID, schema: 'people' }), { code: 'IMPORT_SERVICE_CLOSED', status: 503 });
    assert.equal((await readdir(dataDir)).includes('imports'), false, 'no record was written');
  });

  test('a database that cannot be reached fails the import with IMPORT_DATABASE_FAILED; the log has the code, no cause', async (t) => {
    const { dataDir, store, upload } = await setup(t, peopleCsv(3));
    const logs: Record<string, unknown>[] = [];
    const service = openService(dataDir, store, logs, 'postgres://postgres@127.0.0.1:1/test');
    t.after(() => service.closeAll());
    await service.onUploadFinished(upload);
    const state = await finished(service, `upload-${UPLOAD_ID}`);
    assert.deepEqual([state.status, state.failure?.code, state.summary.rowsRead], ['failed', 'IMPORT_DATABASE_FAILED', 3]);
    const logged = logs.find((entry) => entry.msg === 'import failed');
    assert.deepEqual([logged?.level, logged?.code, logged?.err], [50, 'IMPORT_DATABASE_FAILED', undefined]);
    assert.equal((await store.getUpload(UPLOAD_ID)).offset, upload.size, 'the upload is kept');
  });
});
