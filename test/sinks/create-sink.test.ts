import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { createSink } from '../../src/imports/sinks/index.js';
import { makeTempDir } from '../support/temp-dir.js';
import { connectReader, TEST_DATABASE_URL } from './harnesses.js';
import { makeSchema } from './schemas.js';

test('no database URL: SQLite at <dataDir>/imports.sqlite', async () => {
  const dataDir = await makeTempDir();
  const sink = createSink({ dataDir, databaseUrl: '' });
  const transaction = await sink.begin(makeSchema('items', { id: 'integer' }), randomUUID());
  await transaction.write([{ id: 1 }]);
  assert.deepEqual(await transaction.commit(), { rows: 1 });
  await sink.close();
  assert.ok(existsSync(path.join(dataDir, 'imports.sqlite')));
});

test('a database URL: PostgreSQL, and nothing in the data dir', async (t) => {
  const dataDir = await makeTempDir();
  const table = `sink_test_${process.pid}_factory`;
  const reader = await connectReader();
  t.after(async () => {
    await reader.query(`DROP TABLE IF EXISTS "${table}"`);
    await reader.end();
  });
  const sink = createSink({ dataDir, databaseUrl: TEST_DATABASE_URL });
  const transaction = await sink.begin(makeSchema(table, { id: 'integer' }), randomUUID());
  await transaction.write([{ id: 1 }]);
  await transaction.commit();
  await sink.close();
  const result = await reader.query<{ id: string }>(`SELECT id FROM "${table}"`);
  assert.deepEqual(result.rows, [{ id: '1' }]);
  assert.equal(existsSync(path.join(dataDir, 'imports.sqlite')), false);
});
