import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { isAppError } from '../../src/errors/app-error.js';
import { createSqliteSink } from '../../src/imports/sinks/index.js';
import { makeTempDir } from '../support/temp-dir.js';
import { makeSchema } from './schemas.js';

test('creates the parent directories of the database file', async () => {
  const file = path.join(await makeTempDir(), 'data', 'nested', 'imports.sqlite');
  const sink = createSqliteSink({ file });
  const transaction = await sink.begin(makeSchema('items', { id: 'integer' }), randomUUID());
  await transaction.write([{ id: 1 }]);
  await transaction.commit();
  await sink.close();
  assert.ok(existsSync(file));
});

test('a file that is not a database is IMPORT_DATABASE_FAILED with the cause', async () => {
  const file = path.join(await makeTempDir(), 'imports.sqlite');
  await writeFile(file, 'this is not an SQLite database, just some text that is long enough to have a header');
  assert.throws(
    () => createSqliteSink({ file }),
    (error: unknown) => isAppError(error, 'IMPORT_DATABASE_FAILED') && error.status === 503 && error.cause instanceof Error,
  );
});

test('another process holding the write lock: begin waits, then fails with IMPORT_DATABASE_FAILED', async () => {
  const file = path.join(await makeTempDir(), 'imports.sqlite');
  const sink = createSqliteSink({ file, busyTimeoutMs: 50 });
  const other = new Database(file);
  other.exec('BEGIN IMMEDIATE');
  await assert.rejects(sink.begin(makeSchema('items', { id: 'integer' }), randomUUID()), (error: unknown) => isAppError(error, 'IMPORT_DATABASE_FAILED'));
  other.exec('ROLLBACK');
  other.close();
  const transaction = await sink.begin(makeSchema('items', { id: 'integer' }), randomUUID());
  await transaction.rollback();
  await sink.close();
});

test('begin after close is IMPORT_DATABASE_FAILED; close twice is fine', async () => {
  const sink = createSqliteSink({ file: path.join(await makeTempDir(), 'imports.sqlite') });
  await sink.close();
  await sink.close();
  await assert.rejects(sink.begin(makeSchema('items', { id: 'integer' }), randomUUID()), (error: unknown) => isAppError(error, 'IMPORT_DATABASE_FAILED'));
});
