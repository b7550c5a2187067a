import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { runFerry } from '../support/ferry-process.js';
import { BAD_CSV, CLEAN_CSV, makeWorkspace, peopleSchema, REPO } from './cli-fixtures.js';

/** Rows of `table` in `<dataDir>/imports.sqlite`, ordered by id. */
function readTable(dataDir: string, table: string): Record<string, unknown>[] {
  const db = new Database(path.join(dataDir, 'imports.sqlite'), { readonly: true });
  try {
    return db.prepare(`SELECT * FROM "${table}" ORDER BY id`).all() as Record<string, unknown>[];
  } finally {
    db.close();
  }
}

function tableExists(dataDir: string, table: string): boolean {
  const file = path.join(dataDir, 'imports.sqlite');
  if (!existsSync(file)) return false;
  const db = new Database(file, { readonly: true });
  try {
    return db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(table) !== undefined;
  } finally {
    db.close();
  }
}

const BAD_ENTRIES = [
  { row: 4, line: 5, column: 'age', field: 3, code: 'type-error', value: 'twenty' },
  { row: 5, line: 6, column: 'name', field: 2, code: 'constraint-error', value: '' },
  { row: 6, line: 7, column: 'age', field: 3, code: 'constraint-error', value: '-1' },
];

describe('ferry import into SQLite', () => {
  it('imports a clean file, prints the summary and exits 0', async () => {
    const work = await makeWorkspace();
    const schema = peopleSchema();
    const schemaFile = await work.write('people.json', schema);
    const csv = await work.write('people.csv', CLEAN_CSV);
    const { code, stdout, stderr } = await runFerry(['import', csv, '--schema', schemaFile, '--data-dir', work.dataDir]);
    assert.equal(stderr, '', 'no progress bar and no messages when stderr is not a terminal');
    assert.equal(code, 0, stdout);
    assert.match(stdout, /^file: +.*people\.csv$/m);
    assert.match(stdout, /^schema: +people \(table cli_import_\d+_\d+\)$/m);
    assert.match(stdout, /^mode: +all-or-nothing$/m);
    assert.match(stdout, /^rows: +3 read, 3 imported, 0 failed$/m);
    assert.match(stdout, /^errors: +0$/m);
    assert.match(stdout, /^stopped early: +no$/m);
    assert.deepEqual(
      readTable(work.dataDir, schema.table as string).map((row) => row.name),
      ['Ada', 'Linus', 'Grace'],
    );
  });

  it('imports the cars fixture with schemas/cars.json given by path, and by name from --schemas-dir', async () => {
    const work = await makeWorkspace();
    const csv = path.join(REPO, 'test/fixtures/csv/cars.csv');
    const byPath = await runFerry(['import', csv, '--schema', path.join(REPO, 'schemas/cars.json'), '--data-dir', work.dataDir, '--json']);
    assert.equal(byPath.code, 0, byPath.stdout);
    assert.equal(JSON.parse(byPath.stdout).summary.rowsImported, 5);
    const byName = await runFerry(['import', csv, '--schema', 'cars', '--mode', 'validate', '--json'], { FERRY_SCHEMAS_DIR: path.join(REPO, 'schemas') });
    assert.equal(byName.code, 0, byName.stdout + byName.stderr);
    assert.equal(JSON.parse(byName.stdout).schema, 'cars');
  });

  it('exits 1 on row errors, writes nothing in all-or-nothing mode, and shows the errors as a table', async () => {
    const work = await makeWorkspace();
    const schema = peopleSchema();
    const schemaFile = await work.write('people.json', schema);
    const csv = await work.write('people.csv', BAD_CSV);
    const { code, stdout, stderr } = await runFerry(['import', csv, '--schema', schemaFile, '--data-dir', work.dataDir]);
    assert.equal(code, 1, stderr);
    assert.match(stdout, /^rows: +6 read, 0 imported, 3 failed$/m);
    assert.match(stdout, /^errors: +3$/m);
    assert.match(stdout, /^errors by column: +age 2, name 1$/m);
    assert.match(stdout, /^errors by code: +constraint-error 2, type-error 1$/m);
    assert.match(stdout, /^row +line +column +code +value +message$/m);
    assert.match(stdout, /^4 +5 +age +type-error +twenty +"twenty" is not /m);
    assert.match(stdout, /^6 +7 +age +constraint-error +-1 +\S/m);
    const tableLines = stdout.split('\n').filter((line) => /^(row +line|\d+ +\d+) /.test(line));
    const codeAt = new Set(tableLines.map((line) => line.search(/(code|type-error|constraint-error)/)));
    assert.equal(tableLines.length, 4, stdout);
    assert.equal(codeAt.size, 1, 'the code column is aligned');
    assert.equal(tableExists(work.dataDir, schema.table as string), false, 'no row was written (the transaction never began)');
  });

  it('--json prints one document with every error entry', async () => {
    const work = await makeWorkspace();
    const schemaFile = await work.write('people.json', peopleSchema());
    const csv = await work.write('people.csv', BAD_CSV);
    const { code, stdout } = await runFerry(['import', csv, '--schema', schemaFile, '--data-dir', work.dataDir, '--mode', 'skip-bad-rows', '--json']);
    assert.equal(code, 1);
    const report = JSON.parse(stdout);
    assert.deepEqual(Object.keys(report), ['file', 'schema', 'mode', 'summary', 'errors', 'warnings']);
    assert.equal(report.file, csv);
    assert.equal(report.schema, 'people');
    assert.equal(report.mode, 'skip-bad-rows');
    assert.deepEqual(
      report.errors.map(({ row, line, column, field, code: errorCode, value }: Record<string, unknown>) => ({
        row,
        line,
        column,
        field,
        code: errorCode,
        value,
      })),
      BAD_ENTRIES,
    );
    for (const entry of report.errors) assert.match(entry.message, new RegExp(`^row ${entry.row}, column "${entry.column}": `));
    assert.deepEqual(report.warnings, []);
    assert.equal(report.summary.rowsRead, 6);
    assert.equal(report.summary.rowsImported, 3);
    assert.equal(report.summary.rowsFailed, 3);
    assert.equal(report.summary.errorCount, 3);
    assert.equal(report.summary.stoppedEarly, false);
    assert.equal(report.summary.rejected, false);
    assert.deepEqual(report.summary.errorsByCode, { 'type-error': 1, 'constraint-error': 2 });
  });

  it('skip-bad-rows imports the good rows', async () => {
    const work = await makeWorkspace();
    const schema = peopleSchema();
    const schemaFile = await work.write('people.json', schema);
    const csv = await work.write('people.csv', BAD_CSV);
    const { code, stdout } = await runFerry(['import', csv, '--schema', schemaFile, '--data-dir', work.dataDir, '--mode', 'skip-bad-rows']);
    assert.equal(code, 1);
    assert.match(stdout, /^rows: +6 read, 3 imported, 3 failed$/m);
    assert.deepEqual(
      readTable(work.dataDir, schema.table as string).map((row) => row.name),
      ['Ada', 'Linus\nTorvalds', 'Alan'],
    );
  });

  it('validate mode checks every row and writes nothing', async () => {
    const work = await makeWorkspace();
    const schema = peopleSchema();
    const schemaFile = await work.write('people.json', schema);
    const clean = await runFerry([
      'import',
      await work.write('clean.csv', CLEAN_CSV),
      '--schema',
      schemaFile,
      '--data-dir',
      work.dataDir,
      '--mode',
      'validate',
    ]);
    assert.equal(clean.code, 0, clean.stdout + clean.stderr);
    assert.match(clean.stdout, /^rows: +3 read, 0 imported, 0 failed$/m);
    const bad = await runFerry([
      'import',
      await work.write('bad.csv', BAD_CSV),
      '--schema',
      schemaFile,
      '--data-dir',
      work.dataDir,
      '--mode',
      'validate',
      '--json',
    ]);
    assert.equal(bad.code, 1);
    assert.equal(JSON.parse(bad.stdout).errors.length, 3);
    assert.equal(tableExists(work.dataDir, schema.table as string), false);
    assert.equal(existsSync(path.join(work.dataDir, 'imports.sqlite')), false, 'validate mode opens no database');
  });

  it('stops after --max-errors and says so', async () => {
    const work = await makeWorkspace();
    const schemaFile = await work.write('people.json', peopleSchema());
    const csv = await work.write('people.csv', BAD_CSV);
    const { code, stdout } = await runFerry(['import', csv, '--schema', schemaFile, '--data-dir', work.dataDir, '--max-errors', '1', '--json']);
    assert.equal(code, 1);
    const report = JSON.parse(stdout);
    assert.equal(report.summary.stoppedEarly, true);
    assert.deepEqual(
      report.errors.map((entry: { code: string }) => entry.code),
      ['type-error', 'max-errors'],
    );
    assert.match(stdout, /"rowsImported": 0/);
  });

  it('rejects a file whose header does not fit the schema (exit 1)', async () => {
    const work = await makeWorkspace();
    const schema = peopleSchema();
    const schemaFile = await work.write('people.json', schema);
    const csv = await work.write('people.csv', 'id,nom,age\n1,Ada,36\n');
    const { code, stdout } = await runFerry(['import', csv, '--schema', schemaFile, '--data-dir', work.dataDir, '--json']);
    assert.equal(code, 1);
    const report = JSON.parse(stdout);
    assert.equal(report.summary.rejected, true);
    assert.deepEqual(report.errors.map((entry: { code: string }) => entry.code).sort(), ['extra-label', 'missing-label']);
    assert.equal(tableExists(work.dataDir, schema.table as string), false);
  });

  it('lists the first 20 errors, cuts long values, and says how many more there are', async () => {
    const work = await makeWorkspace();
    const schemaFile = await work.write('people.json', peopleSchema());
    const rows = Array.from({ length: 25 }, (_, index) => `${index + 1},P${index},${'x'.repeat(40)}`);
    const csv = await work.write('people.csv', `id,name,age\n${rows.join('\n')}\n`);
    const { code, stdout } = await runFerry(['import', csv, '--schema', schemaFile, '--data-dir', work.dataDir]);
    assert.equal(code, 1);
    assert.match(stdout, /^first 20 of 25 errors:$/m);
    assert.match(stdout, /^… and 5 more errors \(--json lists them all\)$/m);
    assert.match(stdout, /^2 +2 +age +type-error +x{23}… +"x{40}" /m);
  });
});
