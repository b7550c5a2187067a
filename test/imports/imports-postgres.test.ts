import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import pg from 'pg';
import { createFinishedUpload, startFerry } from '../http/harness.js';
import { TEST_DATABASE_URL } from '../sinks/harnesses.js';
import { peopleCsv, peopleSchema, waitForImport, writeSchemasDir } from './harness.js';

/** A table of this process alone: PostgreSQL is shared by every test file running at once. */
const TABLE = `imports_e2e_${process.pid}`;

const ferry = await startFerry({ schemasDir: await writeSchemasDir([peopleSchema('people', TABLE)]), databaseUrl: TEST_DATABASE_URL });
const reader = new pg.Client({ connectionString: TEST_DATABASE_URL });
await reader.connect();
after(async () => {
  await reader.query(`DROP TABLE IF EXISTS "${TABLE}"`);
  await reader.end();
});

async function rows(): Promise<[number, string, number | null][]> {
  const result = await reader.query<{ id: string; name: string; score: number | null }>(`SELECT id, name, score FROM "${TABLE}" ORDER BY id`);
  return result.rows.map((row) => [Number(row.id), row.name, row.score]);
}

const uploadIdOf = (path: string) => path.split('/').pop()!;

test('PostgreSQL: an automatic import after a tus upload writes its rows', async () => {
  const path = await createFinishedUpload(ferry, Buffer.from(peopleCsv(300)), { schema: 'people' });
  const state = await waitForImport(ferry.http, `upload-${uploadIdOf(path)}`);
  assert.deepEqual([state.status, state.summary.rowsImported, state.summary.errorCount], ['succeeded', 300, 0], JSON.stringify(state));
  const written = await rows();
  assert.equal(written.length, 300);
  assert.deepEqual(written[41], [42, 'person 42', 42]);
});

test('PostgreSQL: all-or-nothing with a bad last row leaves the table as it was', async () => {
  const before = await rows();
  const csv = `${peopleCsv(5000).replaceAll('person', 'again')}5001,last,not a number\n`;
  const path = await createFinishedUpload(ferry, Buffer.from(csv), { schema: 'people', mode: 'all-or-nothing' });
  const state = await waitForImport(ferry.http, `upload-${uploadIdOf(path)}`);
  assert.deepEqual([state.status, state.summary.rowsRead, state.summary.rowsFailed, state.summary.rowsImported], ['succeeded', 5001, 1, 0]);
  assert.deepEqual(await rows(), before);
});
