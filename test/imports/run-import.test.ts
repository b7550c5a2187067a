import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, type TestContext, test } from 'node:test';
import { defineSchema } from '../../src/csv/schema/index.js';
import type { ColumnDefinition, ReportEntry, SchemaDefinition } from '../../src/csv/types.js';
import { isAppError } from '../../src/errors/app-error.js';
import { type ImportMode, type RejectedRow, type RunImportOptions, runImport } from '../../src/imports/index.js';
import { postgresHarness, type SinkFixture, type SinkHarness, sqliteHarness } from '../sinks/harnesses.js';

const PEOPLE_COLUMNS: ColumnDefinition[] = [
  { name: 'id', type: 'integer', required: true },
  { name: 'name', type: 'string', required: true },
  { name: 'score', type: 'number', minimum: 0 },
];

function peopleSchema(table: string, extra: Partial<SchemaDefinition> = {}) {
  return defineSchema({ name: table, columns: PEOPLE_COLUMNS, primaryKey: ['id'], ...extra });
}

/** The text in small chunks, so records cross chunk borders. */
async function* chunked(text: string, size = 61): AsyncGenerator<Uint8Array> {
  const bytes = Buffer.from(text, 'utf8');
  for (let start = 0; start < bytes.length; start += size) yield bytes.subarray(start, start + size);
}

interface Run {
  summary: Awaited<ReturnType<typeof runImport>>;
  errors: ReportEntry[];
  warnings: ReportEntry[];
  rejected: RejectedRow[];
  header: string[] | undefined;
}

async function run(text: string, options: Omit<RunImportOptions, 'source' | 'maxErrors' | 'importId'> & { maxErrors?: number }): Promise<Run> {
  const result: Omit<Run, 'summary'> = { errors: [], warnings: [], rejected: [], header: undefined };
  const summary = await runImport({
    maxErrors: 1000,
    importId: randomUUID(),
    ...options,
    source: chunked(text),
    onProblem: (entry, kind) => void (kind === 'error' ? result.errors : result.warnings).push(entry),
    onRejectedRow: (row) => void result.rejected.push(row),
    onHeader: (header) => {
      result.header = header.fields;
    },
  });
  return { summary, ...result };
}

async function rowsOf(fixture: SinkFixture, table = fixture.table) {
  return fixture.readRows(peopleSchema(table), ['id']);
}

/** Seeds the table with two rows, so "unchanged" means something. */
async function seed(fixture: SinkFixture): Promise<void> {
  const { summary } = await run('id,name,score\n1,Ada,1\n2,Grace,2\n', { schema: peopleSchema(fixture.table), mode: 'all-or-nothing', sink: fixture.sink });
  assert.equal(summary.rowsImported, 2);
}

const SEEDED = [
  { id: '1', name: 'Ada', score: 1 },
  { id: '2', name: 'Grace', score: 2 },
];

const codes = (entries: ReportEntry[]) => entries.map((entry) => `${entry.row}:${entry.column ?? '-'}:${entry.code}`);

describe('runImport modes (SQLite)', () => {
  const MIXED = 'id,name,score\n10,Alan,3.5\n11,,4\n12,Edsger,-1\n13,Barbara,7\n14,Ken,x\n';

  test('skip-bad-rows writes exactly the good rows and reports each bad cell', async (t) => {
    const fixture = await sqliteHarness.open(t);
    const { summary, errors, rejected } = await run(MIXED, { schema: peopleSchema(fixture.table), mode: 'skip-bad-rows', sink: fixture.sink });
    assert.deepEqual(codes(errors), ['3:name:constraint-error', '4:score:constraint-error', '6:score:type-error']);
    assert.deepEqual(
      rejected.map((row) => [row.row, row.line, row.fields]),
      [
        [3, 3, ['11', '', '4']],
        [4, 4, ['12', 'Edsger', '-1']],
        [6, 6, ['14', 'Ken', 'x']],
      ],
    );
    assert.equal(rejected[2].errors[0].message, errors[2].message);
    assert.deepEqual(summary, {
      rowsRead: 5,
      rowsImported: 2,
      rowsFailed: 3,
      errorCount: 3,
      warningCount: 0,
      stoppedEarly: false,
      rejected: false,
      errorsByColumn: { name: 1, score: 2 },
      errorsByCode: { 'constraint-error': 2, 'type-error': 1 },
    });
    assert.deepEqual(await rowsOf(fixture), [
      { id: '10', name: 'Alan', score: 3.5 },
      { id: '13', name: 'Barbara', score: 7 },
    ]);
  });

  test('all-or-nothing writes nothing when a row is bad, everything when none is', async (t) => {
    const fixture = await sqliteHarness.open(t);
    await seed(fixture);
    const bad = await run(MIXED, { schema: peopleSchema(fixture.table), mode: 'all-or-nothing', sink: fixture.sink });
    assert.equal(bad.summary.rowsImported, 0);
    assert.equal(bad.summary.rowsFailed, 3);
    assert.equal(bad.errors.length, 3, 'every bad row is still reported');
    assert.deepEqual(await rowsOf(fixture), SEEDED);

    const good = await run('id,name,score\n2,Grace Hopper,9\n3,Alan,\n', { schema: peopleSchema(fixture.table), mode: 'all-or-nothing', sink: fixture.sink });
    assert.equal(good.summary.rowsImported, 2);
    assert.deepEqual(await rowsOf(fixture), [SEEDED[0], { id: '2', name: 'Grace Hopper', score: 9 }, { id: '3', name: 'Alan', score: null }]);
  });

  test('validate reads and reports everything but writes nothing', async (t) => {
    const fixture = await sqliteHarness.open(t);
    await seed(fixture);
    const { summary } = await run(MIXED.replace('10,Alan', '1,Changed'), { schema: peopleSchema(fixture.table), mode: 'validate' });
    assert.deepEqual([summary.rowsRead, summary.rowsImported, summary.rowsFailed, summary.errorCount], [5, 0, 3, 3]);
    assert.deepEqual(await rowsOf(fixture), SEEDED);
  });

  test('a mode that writes needs a sink', async () => {
    await assert.rejects(run('id,name\n1,a\n', { schema: peopleSchema('nowhere'), mode: 'skip-bad-rows' }), (error) => isAppError(error, 'INTERNAL_ERROR'));
  });
});

function describeLastRowRollback(harness: SinkHarness): void {
  test(`${harness.name}: all-or-nothing with a bad LAST row of 20 000 leaves the table unchanged`, async (t: TestContext) => {
    const fixture = await harness.open(t);
    await seed(fixture);
    const lines = ['id,name,score'];
    for (let id = 100; id < 20_099; id += 1) lines.push(`${id},person ${id},${id % 50}`);
    lines.push('20099,last,not a number');
    const { summary, errors } = await run(`${lines.join('\n')}\n`, {
      schema: peopleSchema(fixture.table),
      mode: 'all-or-nothing',
      sink: fixture.sink,
      batchSize: 500,
    });
    assert.deepEqual(codes(errors), ['20001:score:type-error']);
    assert.deepEqual([summary.rowsRead, summary.rowsFailed, summary.rowsImported], [20_000, 1, 0]);
    assert.deepEqual(await rowsOf(fixture), SEEDED);
  });
}

describe('all-or-nothing rolls back', () => {
  describeLastRowRollback(sqliteHarness);
  describeLastRowRollback(postgresHarness);
});

describe('maxErrors', () => {
  const BAD = `id,name,score\n${Array.from({ length: 6 }, (_, index) => `${index + 1},n,bad`).join('\n')}\n7,ok,1\n`;

  for (const mode of ['all-or-nothing', 'skip-bad-rows'] as ImportMode[]) {
    test(`${mode}: stops at the first error beyond the limit, says so once, writes nothing`, async (t) => {
      const fixture = await sqliteHarness.open(t);
      await seed(fixture);
      const { summary, errors, rejected } = await run(BAD, { schema: peopleSchema(fixture.table), mode, sink: fixture.sink, maxErrors: 3 });
      assert.deepEqual(codes(errors), ['2:score:type-error', '3:score:type-error', '4:score:type-error', '5:-:max-errors']);
      assert.match(errors[3].message, /stopped after 3 errors/);
      assert.equal(summary.stoppedEarly, true);
      assert.deepEqual([summary.rowsRead, summary.rowsFailed, summary.errorCount, summary.rowsImported], [4, 4, 4, 0]);
      assert.deepEqual(
        rejected.map((row) => row.errors.length),
        [1, 1, 1, 0],
        'the row that overflowed has no error of its own reported',
      );
      assert.deepEqual(await rowsOf(fixture), SEEDED);
    });
  }

  test('exactly maxErrors errors is not a stop', async (t) => {
    const fixture = await sqliteHarness.open(t);
    const { summary } = await run(BAD, { schema: peopleSchema(fixture.table), mode: 'skip-bad-rows', sink: fixture.sink, maxErrors: 6 });
    assert.deepEqual([summary.stoppedEarly, summary.errorCount, summary.rowsImported], [false, 6, 1]);
  });
});

describe('header and type row', () => {
  test('header problems reject the file: header errors only, nothing read or written', async (t) => {
    const fixture = await sqliteHarness.open(t);
    const { summary, errors, rejected, header } = await run('ID,nickname,score,score\n1,x,bad\n2,,\n', {
      schema: peopleSchema(fixture.table),
      mode: 'skip-bad-rows',
      sink: fixture.sink,
    });
    assert.deepEqual(header, ['ID', 'nickname', 'score', 'score']);
    assert.deepEqual(codes(errors), ['1:-:extra-label', '1:score:duplicate-label', '1:name:missing-label']);
    assert.deepEqual(rejected, []);
    assert.deepEqual([summary.rejected, summary.rowsRead, summary.rowsImported], [true, 0, 0]);
    assert.deepEqual(summary.errorsByCode, { 'extra-label': 1, 'duplicate-label': 1, 'missing-label': 1 });
    assert.deepEqual(await fixture.columnTypes(fixture.table), new Map(), 'no table was created');
  });

  test('unknown columns a schema ignores are warnings, counted apart from errors, like blank rows', async (t) => {
    const fixture = await sqliteHarness.open(t);
    const schema = peopleSchema(fixture.table, { unknownColumns: 'ignore' });
    const { summary, errors, warnings } = await run('id,name,comment\n1,Ada,hi\n\n2,Grace,\n', { schema, mode: 'all-or-nothing', sink: fixture.sink });
    assert.deepEqual(errors, []);
    assert.deepEqual(codes(warnings), ['1:-:extra-label', '3:-:blank-row']);
    assert.deepEqual([summary.warningCount, summary.errorCount, summary.rowsRead, summary.rowsImported, summary.rowsFailed], [2, 0, 3, 2, 0]);
    assert.deepEqual(summary.errorsByCode, {});
  });

  test('a type row is checked and then skipped; a wrong one rejects the file; a missing one too', async (t) => {
    const fixture = await sqliteHarness.open(t);
    const columns = PEOPLE_COLUMNS.map((column, index) => ({ ...column, typeLabel: ['INT', 'STRING', 'DOUBLE'][index] }));
    const schema = defineSchema({ name: fixture.table, columns, typeRow: true, delimiter: ';' });
    const good = await run('id;name;score\nint;STRING;DOUBLE\n1;Ada;2.5\n', { schema, mode: 'skip-bad-rows', sink: fixture.sink });
    assert.deepEqual([good.summary.rowsRead, good.summary.rowsImported, good.errors.length], [1, 1, 0]);

    const wrong = await run('id;name;score\nINT;TEXT;DOUBLE\n2;Grace;x\n', { schema, mode: 'skip-bad-rows', sink: fixture.sink });
    assert.deepEqual(codes(wrong.errors), ['2:name:type-row-error']);
    assert.deepEqual([wrong.summary.rejected, wrong.summary.rowsRead, wrong.summary.rowsImported], [true, 0, 0]);

    const missing = await run('id;name;score\n', { schema, mode: 'skip-bad-rows', sink: fixture.sink });
    assert.deepEqual(codes(missing.errors), ['2:-:type-row-error']);
    assert.equal(missing.summary.rejected, true);
  });
});

describe('empty files, parse problems, failures', () => {
  test('an empty file is one empty-file error and rejected; a header-only file reads no rows', async (t) => {
    const fixture = await sqliteHarness.open(t);
    const empty = await run('', { schema: peopleSchema(fixture.table), mode: 'all-or-nothing', sink: fixture.sink });
    assert.deepEqual(codes(empty.errors), ['1:-:empty-file']);
    assert.deepEqual([empty.summary.rejected, empty.summary.errorCount, empty.summary.rowsRead], [true, 1, 0]);

    const headerOnly = await run('id,name,score\r\n', { schema: peopleSchema(fixture.table), mode: 'all-or-nothing', sink: fixture.sink });
    assert.deepEqual(headerOnly.errors, []);
    assert.deepEqual([headerOnly.summary.rejected, headerOnly.summary.rowsRead, headerOnly.summary.rowsImported], [false, 0, 0]);
  });

  test('a row the reader cannot parse is reported once and rejected with no fields; later rows survive', async (t) => {
    const fixture = await sqliteHarness.open(t);
    const { summary, errors, rejected } = await run('id,name,score\n1,"Ada,1\n2,Grace,2\n', {
      schema: peopleSchema(fixture.table),
      mode: 'skip-bad-rows',
      sink: fixture.sink,
    });
    assert.deepEqual(codes(errors), ['2:-:quote-error']);
    assert.deepEqual(
      rejected.map((row) => [row.row, row.fields]),
      [[2, []]],
    );
    assert.deepEqual([summary.rowsRead, summary.rowsImported], [2, 1]);
    assert.deepEqual(await rowsOf(fixture), [{ id: '2', name: 'Grace', score: 2 }]);
  });

  test('a sink failure rolls back and rejects with its AppError', async (t) => {
    const fixture = await sqliteHarness.open(t);
    await seed(fixture);
    const other = defineSchema({ name: fixture.table, columns: [{ name: 'id', type: 'string' }] });
    await assert.rejects(run('id\na\n', { schema: other, mode: 'skip-bad-rows', sink: fixture.sink }), (error) => isAppError(error, 'IMPORT_TABLE_MISMATCH'));
    assert.deepEqual(await rowsOf(fixture), SEEDED);
  });

  test('an abort rolls back what was written and rejects with the reason', async (t) => {
    const fixture = await sqliteHarness.open(t);
    await seed(fixture);
    const controller = new AbortController();
    const lines = ['id,name,score', ...Array.from({ length: 5000 }, (_, index) => `${index + 10},n,1`)];
    let progressCalls = 0;
    await assert.rejects(
      runImport({
        source: chunked(`${lines.join('\n')}\n`, 4096),
        schema: peopleSchema(fixture.table),
        mode: 'skip-bad-rows',
        sink: fixture.sink,
        importId: randomUUID(),
        maxErrors: 10,
        batchSize: 100,
        signal: controller.signal,
        onProgress: ({ rowsRead }) => {
          progressCalls += 1;
          if (rowsRead > 1000) controller.abort(new Error('stop here'));
        },
      }),
      /stop here/,
    );
    assert.ok(progressCalls > 1);
    assert.deepEqual(await rowsOf(fixture), SEEDED);
  });

  test('progress ends at the whole file', async (t) => {
    const fixture = await sqliteHarness.open(t);
    const text = 'id,name,score\n1,Ada,1\n2,Grace,2\n';
    let last = { bytesRead: 0, rowsRead: 0 };
    await runImport({
      source: chunked(text, 5),
      schema: peopleSchema(fixture.table),
      mode: 'validate',
      importId: randomUUID(),
      maxErrors: 1,
      onProgress: (progress) => {
        last = progress;
      },
    });
    assert.deepEqual(last, { bytesRead: Buffer.byteLength(text), rowsRead: 2 });
  });
});
