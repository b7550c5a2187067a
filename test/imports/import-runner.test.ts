import assert from 'node:assert/strict';
import { type TestContext, test } from 'node:test';
import { createSchemaRegistry } from '../../src/csv/schema/index.js';
import { createLazySink } from '../../src/imports/index.js';
import { newRecord } from '../../src/imports/records/import-record.js';
import { createImportRecords } from '../../src/imports/records/import-records.js';
import { createImportRunner } from '../../src/imports/run/import-runner.js';
import { createLogger } from '../../src/logging/logger.js';
import { makeTempDir } from '../support/temp-dir.js';
import { openStore } from './harness.js';

/** A runner over a fresh directory; its sink fails the test if anything opens it. */
async function setup(t: TestContext) {
  const directory = await makeTempDir();
  const records = createImportRecords(directory);
  const logs: Record<string, unknown>[] = [];
  const logger = createLogger('info', { write: (line: string) => void logs.push(JSON.parse(line) as Record<string, unknown>) });
  const sink = createLazySink(() => assert.fail('the sink was opened'));
  const run = createImportRunner({
    records,
    schemas: createSchemaRegistry([]),
    uploads: openStore(t, directory),
    sink,
    logger,
    batchSize: 10,
    progressIntervalMs: 1000,
  });
  return { records, logs, run };
}

test('a job delivered again for a finished import does not run it again', async (t) => {
  const { records, logs, run } = await setup(t);
  const record = newRecord('e'.repeat(32), { id: 'f'.repeat(32), size: 3, offset: 3 }, 'people', 'validate', 10);
  Object.assign(record, { status: 'succeeded', attempts: 1 });
  await records.save(record);
  await run({ id: record.id }, new AbortController().signal);
  assert.deepEqual(await records.find(record.id), record);
  assert.ok(logs.some((entry) => entry.msg === 'finished import not run again' && entry.status === 'succeeded'));
});

test('a job without a record is logged, not thrown', async (t) => {
  const { logs, run } = await setup(t);
  await run({ id: 'e'.repeat(32) }, new AbortController().signal);
  assert.ok(logs.some((entry) => entry.msg === 'queued import has no record' && entry.level === 50));
});
