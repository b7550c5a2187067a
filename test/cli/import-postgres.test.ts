import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { runFerry } from '../support/ferry-process.js';
import { BAD_CSV, CLEAN_CSV, makeWorkspace, peopleSchema, uniqueTable } from './cli-fixtures.js';

const DATABASE_URL = process.env.FERRY_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

describe('ferry import into PostgreSQL (--database-url)', () => {
  const client = new pg.Client({ connectionString: DATABASE_URL });
  const tables: string[] = [];

  before(() => client.connect());
  after(async () => {
    for (const table of tables) await client.query(`DROP TABLE IF EXISTS "${table}"`);
    await client.end();
  });

  async function importInto(csvText: string, mode: string): Promise<{ code: number; table: string; stdout: string; stderr: string }> {
    const work = await makeWorkspace();
    const table = uniqueTable('cli_pg_import');
    tables.push(table);
    const schemaFile = await work.write('people.json', peopleSchema(table));
    const csv = await work.write('people.csv', csvText);
    const result = await runFerry(['import', csv, '--schema', schemaFile, '--mode', mode, '--database-url', DATABASE_URL, '--data-dir', work.dataDir]);
    return { ...result, table };
  }

  async function names(table: string): Promise<string[]> {
    const result = await client.query<{ name: string }>(`SELECT name FROM "${table}" ORDER BY id`);
    return result.rows.map((row) => row.name);
  }

  it('imports a clean file (exit 0)', async () => {
    const { code, table, stdout, stderr } = await importInto(CLEAN_CSV, 'all-or-nothing');
    assert.equal(code, 0, stdout + stderr);
    assert.match(stdout, /^rows: +3 read, 3 imported, 0 failed$/m);
    assert.deepEqual(await names(table), ['Ada', 'Linus', 'Grace']);
  });

  it('writes no row of a bad file in all-or-nothing mode (exit 1)', async () => {
    const { code, table } = await importInto(BAD_CSV, 'all-or-nothing');
    assert.equal(code, 1);
    const exists = await client.query('SELECT to_regclass($1) AS found', [`"${table}"`]);
    if (exists.rows[0].found !== null) assert.deepEqual(await names(table), []);
  });

  it('writes the good rows in skip-bad-rows mode (exit 1)', async () => {
    const { code, table } = await importInto(BAD_CSV, 'skip-bad-rows');
    assert.equal(code, 1);
    assert.deepEqual(await names(table), ['Ada', 'Linus\nTorvalds', 'Alan']);
  });
});
