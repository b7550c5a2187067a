import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { describe, test } from 'node:test';
import type { ReportEntry } from '../../src/imports/index.js';
import { newRecord } from '../../src/imports/records/import-record.js';
import { createImportRecords, type ImportRecords } from '../../src/imports/records/import-records.js';
import { createImportReports } from '../../src/imports/records/import-reports.js';
import { readPage } from '../../src/imports/records/read-page.js';
import { makeTempDir } from '../support/temp-dir.js';

const ID = 'c'.repeat(32);

function entry(row: number, code: ReportEntry['code']): ReportEntry {
  return { row, line: row, column: 'score', field: 2, value: 'x', code, message: `row ${row}: ${code}` };
}

const ndjson = (values: unknown[]) => values.map((value) => `${JSON.stringify(value)}\n`).join('');

/** One finished import on disk: 5 errors and 2 warnings, 3 rejected rows under a header. */
async function storedImport(): Promise<ImportRecords> {
  const records = createImportRecords(await makeTempDir());
  const record = newRecord(ID, { id: 'd'.repeat(32), size: 100, offset: 100 }, 'people', 'skip-bad-rows', 1000);
  Object.assign(record.summary, { errorCount: 5, warningCount: 2, rowsFailed: 3 });
  record.status = 'succeeded';
  await records.save(record);
  const kinds = ['error', 'warning', 'error', 'error', 'warning', 'error', 'error'] as const;
  await writeFile(records.paths(ID).errors, ndjson(kinds.map((kind, index) => ({ kind, ...entry(index + 2, kind === 'error' ? 'type-error' : 'blank-row') }))));
  const rows = [3, 5, 8].map((row) => ({ row, line: row, fields: [String(row), 'name', 'x'], errors: [entry(row, 'type-error')] }));
  await writeFile(records.paths(ID).rejected, ndjson([{ header: ['id', 'name', 'score'] }, ...rows]));
  return records;
}

async function* counted<T>(values: T[], pulls: { count: number }): AsyncGenerator<T> {
  for (const value of values) {
    pulls.count += 1;
    yield value;
  }
}

describe('readPage', () => {
  const table = [
    { name: 'the first page', offset: 0, limit: 2, page: [1, 2], pulls: 2 },
    { name: 'a page in the middle', offset: 2, limit: 2, page: [3, 4], pulls: 4 },
    { name: 'the last page, short', offset: 4, limit: 3, page: [5], pulls: 5 },
    { name: 'past the end', offset: 9, limit: 3, page: [], pulls: 5 },
    { name: 'a limit of 0', offset: 0, limit: 0, page: [], pulls: 0 },
  ];
  for (const { name, offset, limit, page, pulls } of table) {
    test(`${name}: reads no further than the page`, async () => {
      const read = { count: 0 };
      assert.deepEqual(await readPage(counted([1, 2, 3, 4, 5], read), { offset, limit }), page);
      assert.equal(read.count, pulls);
    });
  }
});

describe('import reports', () => {
  test('errors: pages over both kinds, or one; the total counts the kind asked for', async () => {
    const reports = createImportReports(await storedImport());
    const all = await reports.errors(ID, { offset: 1, limit: 3 });
    assert.deepEqual([all.total, all.offset, all.limit], [7, 1, 3]);
    assert.deepEqual(
      all.errors.map((line) => [line.kind, line.row]),
      [
        ['warning', 3],
        ['error', 4],
        ['error', 5],
      ],
    );
    const errors = await reports.errors(ID, { offset: 3, limit: 10, kind: 'error' });
    assert.deepEqual([errors.total, errors.errors.map((line) => line.row)], [5, [7, 8]]);
    const warnings = await reports.errors(ID, { offset: 0, limit: 10, kind: 'warning' });
    assert.deepEqual([warnings.total, warnings.errors.map((line) => line.row)], [2, [3, 6]]);
  });

  test("rejected rows: a page under the file's header, without their errors; all of them with their errors", async () => {
    const reports = createImportReports(await storedImport());
    const page = await reports.rejectedRowPage(ID, { offset: 1, limit: 1 });
    assert.deepEqual(page, { header: ['id', 'name', 'score'], total: 3, offset: 1, limit: 1, rows: [{ row: 5, line: 5, fields: ['5', 'name', 'x'] }] });
    const past = await reports.rejectedRowPage(ID, { offset: 3, limit: 5 });
    assert.deepEqual([past.header, past.rows], [['id', 'name', 'score'], []]);
    const rows = [];
    for await (const row of reports.rejectedRows(ID)) rows.push(row);
    assert.deepEqual(
      rows.map((row) => [row.row, row.errors.length]),
      [
        [3, 1],
        [5, 1],
        [8, 1],
      ],
    );
  });

  test('an import without report files has empty pages', async () => {
    const records = createImportRecords(await makeTempDir());
    const record = newRecord(ID, { id: 'd'.repeat(32), offset: 0 }, 'people', 'validate', 10);
    await records.save(record);
    const reports = createImportReports(records);
    assert.deepEqual(await reports.errors(ID, { offset: 0, limit: 10 }), { total: 0, offset: 0, limit: 10, errors: [] });
    assert.deepEqual(await reports.rejectedRowPage(ID, { offset: 0, limit: 10 }), { header: [], total: 0, offset: 0, limit: 10, rows: [] });
  });

  test('every report of an unknown import, or of an id of another shape, is IMPORT_NOT_FOUND', async () => {
    const reports = createImportReports(await storedImport());
    for (const id of ['0'.repeat(32), '../imports', `upload-${'0'.repeat(32)}`]) {
      await assert.rejects(reports.errors(id, { offset: 0, limit: 1 }), { code: 'IMPORT_NOT_FOUND' });
      await assert.rejects(reports.rejectedRowPage(id, { offset: 0, limit: 1 }), { code: 'IMPORT_NOT_FOUND' });
      await assert.rejects(reports.rejectedRows(id).next(), { code: 'IMPORT_NOT_FOUND' });
      await assert.rejects(reports.errorsCsv(id).next(), { code: 'IMPORT_NOT_FOUND' });
    }
  });
});
