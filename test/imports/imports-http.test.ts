import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { describe, test } from 'node:test';
import { parse } from 'csv-parse/sync';
import { defineSchema, describeSchema } from '../../src/csv/schema/index.js';
import type { ErrorPage, ImportRecord, RejectedRowPage } from '../../src/imports/index.js';
import { createFinishedUpload, createUpload, type HttpCase, headOffset, runCase, startFerry, TUS } from '../http/harness.js';
import { peopleCsv, peopleSchema, sqliteRows, waitForImport, writeSchemasDir } from './harness.js';

/** A CSV with one bad cell of each kind, a blank row and a formula in a rejected row. */
const MIXED_CSV = ['id,name,score', '1,Ada,10', '2,=cmd|calc,x', '', '3,,5', '4,Grace,-1', '5,"Hopper, Grace",7.5'].join('\r\n');

const uploadIdOf = (path: string) => path.split('/').pop()!;

/** GET with the body as UTF-8 text, whatever its content type. */
function getText(path: string) {
  return ferry
    .http()
    .get(path)
    .buffer(true)
    .parse((response, done) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => done(null, Buffer.concat(chunks).toString('utf8')));
    });
}

const typedPeople = {
  ...peopleSchema('typed_people'),
  typeRow: true,
  delimiter: ';' as const,
  columns: peopleSchema().columns.map((column) => ({ ...column, typeLabel: column.type.toUpperCase() })),
};
const ferry = await startFerry({ schemasDir: await writeSchemasDir([peopleSchema(), typedPeople]) });

describe('an automatic import after a tus upload', () => {
  test('runs on its own; report, errors, errors.csv and the rows in SQLite', async () => {
    const path = await createFinishedUpload(ferry, Buffer.from(MIXED_CSV), { schema: 'people', mode: 'skip-bad-rows', filename: 'people.csv' });
    const id = `upload-${uploadIdOf(path)}`;
    const state = await waitForImport(ferry.http, id);
    assert.equal(state.status, 'succeeded', JSON.stringify(state));
    assert.deepEqual([state.uploadId, state.schema, state.mode, state.attempts], [uploadIdOf(path), 'people', 'skip-bad-rows', 1]);
    assert.deepEqual(state.progress, { bytesRead: MIXED_CSV.length, bytesTotal: MIXED_CSV.length });
    assert.deepEqual(state.summary, {
      rowsRead: 6,
      rowsImported: 2,
      rowsFailed: 3,
      errorCount: 3,
      warningCount: 1,
      stoppedEarly: false,
      rejected: false,
      errorsByColumn: { score: 2, name: 1 },
      errorsByCode: { 'type-error': 1, 'constraint-error': 2 },
    });

    const errors = await ferry.http().get(`/imports/${id}/errors`);
    assert.equal(errors.status, 200);
    const page = errors.body as ErrorPage;
    assert.deepEqual([page.total, page.offset, page.limit], [4, 0, 100]);
    assert.deepEqual(
      page.errors.map((entry) => [entry.kind, entry.row, entry.column, entry.code]),
      [
        ['error', 3, 'score', 'type-error'],
        ['warning', 4, null, 'blank-row'],
        ['error', 5, 'name', 'constraint-error'],
        ['error', 6, 'score', 'constraint-error'],
      ],
    );
    assert.equal(page.errors[0].value, 'x');
    const onlyWarnings = await ferry.http().get(`/imports/${id}/errors?kind=warning`);
    assert.deepEqual([onlyWarnings.body.total, onlyWarnings.body.errors.length], [1, 1]);
    const paged = await ferry.http().get(`/imports/${id}/errors?offset=2&limit=1&kind=error`);
    assert.deepEqual(
      paged.body.errors.map((entry: { row: number }) => entry.row),
      [6],
    );
    assert.deepEqual([paged.body.total, paged.body.offset, paged.body.limit], [3, 2, 1]);

    const csv = await getText(`/imports/${id}/errors.csv`);
    assert.equal(csv.status, 200);
    assert.equal(csv.headers['content-type'], 'text/csv; charset=utf-8');
    assert.equal(csv.headers['content-disposition'], `attachment; filename="${id}-errors.csv"`);
    const records = parse(csv.body as string, { bom: true }) as string[][];
    assert.deepEqual(records, [
      ['id', 'name', 'score', '_row', '_line', '_errors'],
      ['2', "'=cmd|calc", 'x', '3', '3', 'score: "x" is not a number'],
      ['3', '', '5', '5', '5', 'name: a value is required'],
      ['4', 'Grace', "'-1", '6', '6', 'score: "-1" is less than the minimum 0'],
    ]);

    assert.deepEqual(
      sqliteRows(ferry.config.dataDir, 'people').map((row) => [Number(row.id), row.name, row.score]),
      [
        [1, 'Ada', 10],
        [5, 'Hopper, Grace', 7.5],
      ],
    );
    assert.equal(await headOffset(ferry, path), MIXED_CSV.length, 'the upload is kept');
    assert.equal((await getText(path)).body, MIXED_CSV, 'and unchanged');
  });

  test('an unknown schema is a failed import; the upload is kept', async () => {
    const path = await createFinishedUpload(ferry, Buffer.from(peopleCsv(2)), { schema: 'nobody' });
    const state = await waitForImport(ferry.http, `upload-${uploadIdOf(path)}`);
    assert.deepEqual([state.status, state.failure?.code], ['failed', 'IMPORT_SCHEMA_UNKNOWN']);
    assert.equal((await ferry.http().head(path).set(TUS)).status, 200);
  });

  test('binary content is IMPORT_NOT_CSV; an empty file IMPORT_EMPTY_FILE with its empty-file entry', async () => {
    const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d]), Buffer.from('IHDR'.repeat(50))]);
    const binary = await createFinishedUpload(ferry, png, { schema: 'people' });
    const notCsv = await waitForImport(ferry.http, `upload-${uploadIdOf(binary)}`);
    assert.deepEqual([notCsv.status, notCsv.failure?.code, notCsv.summary.rowsRead], ['failed', 'IMPORT_NOT_CSV', 0]);
    assert.equal(await headOffset(ferry, binary), png.length);

    const empty = await createFinishedUpload(ferry, Buffer.alloc(0), { schema: 'people' });
    const emptyState = await waitForImport(ferry.http, `upload-${uploadIdOf(empty)}`);
    assert.deepEqual([emptyState.status, emptyState.failure?.code, emptyState.summary.rejected], ['failed', 'IMPORT_EMPTY_FILE', true]);
    const errors = await ferry.http().get(`/imports/upload-${uploadIdOf(empty)}/errors`);
    assert.deepEqual(
      errors.body.errors.map((entry: { code: string }) => entry.code),
      ['empty-file'],
    );
  });

  test('a header that does not match rejects the file: IMPORT_FILE_REJECTED, header errors only, nothing written', async () => {
    const path = await createFinishedUpload(ferry, Buffer.from('id;name;score\nINTEGER;TEXT;NUMBER\n1;a;b\n'), { schema: 'typed_people' });
    const state = await waitForImport(ferry.http, `upload-${uploadIdOf(path)}`);
    assert.deepEqual([state.status, state.failure?.code, state.summary.rowsRead], ['failed', 'IMPORT_FILE_REJECTED', 0]);
    const errors = await ferry.http().get(`/imports/upload-${uploadIdOf(path)}/errors`);
    assert.deepEqual(
      errors.body.errors.map((entry: { row: number; column: string; code: string }) => [entry.row, entry.column, entry.code]),
      [[2, 'name', 'type-row-error']],
    );
  });
});

describe('GET /imports/:id/rejected-rows', () => {
  test("pages the rejected rows whole, in file order, under the file's own header", async () => {
    const path = await createFinishedUpload(ferry, Buffer.from(MIXED_CSV.replace('id,name,score', 'ID, Name ,score')), { schema: 'people', mode: 'validate' });
    const id = `upload-${uploadIdOf(path)}`;
    assert.equal((await waitForImport(ferry.http, id)).status, 'succeeded');

    const first = await ferry.http().get(`/imports/${id}/rejected-rows`);
    assert.equal(first.status, 200, first.text);
    assert.deepEqual(first.body as RejectedRowPage, {
      header: ['ID', ' Name ', 'score'],
      total: 3,
      offset: 0,
      limit: 100,
      rows: [
        { row: 3, line: 3, fields: ['2', '=cmd|calc', 'x'] },
        { row: 5, line: 5, fields: ['3', '', '5'] },
        { row: 6, line: 6, fields: ['4', 'Grace', '-1'] },
      ],
    });

    const pages: [string, number[]][] = [
      ['offset=1&limit=1', [5]],
      ['offset=1', [5, 6]],
      ['limit=2', [3, 5]],
      ['offset=2&limit=1000', [6]],
      ['offset=3', []],
      ['offset=9007199254740991', []],
    ];
    for (const [query, rows] of pages) {
      const response = await ferry.http().get(`/imports/${id}/rejected-rows?${query}`);
      assert.equal(response.status, 200, `${query}: ${response.text}`);
      const page = response.body as RejectedRowPage;
      assert.deepEqual(
        page.rows.map((row) => row.row),
        rows,
        query,
      );
      assert.deepEqual([page.header, page.total], [['ID', ' Name ', 'score'], 3], query);
      const params = new URLSearchParams(query);
      assert.deepEqual([page.offset, page.limit], [Number(params.get('offset') ?? 0), Number(params.get('limit') ?? 100)], query);
    }
  });

  test('an import without rejected rows has none, and still the header', async () => {
    const path = await createFinishedUpload(ferry, Buffer.from(peopleCsv(3)), { schema: 'people', mode: 'validate' });
    const id = `upload-${uploadIdOf(path)}`;
    assert.equal((await waitForImport(ferry.http, id)).status, 'succeeded');
    const response = await ferry.http().get(`/imports/${id}/rejected-rows`);
    assert.equal(response.status, 200, response.text);
    assert.deepEqual(response.body, { header: ['id', 'name', 'score'], total: 0, offset: 0, limit: 100, rows: [] });
  });

  test('an import that read no header (an empty file) has an empty header and no rows', async () => {
    const path = await createFinishedUpload(ferry, Buffer.alloc(0), { schema: 'people' });
    const id = `upload-${uploadIdOf(path)}`;
    assert.equal((await waitForImport(ferry.http, id)).failure?.code, 'IMPORT_EMPTY_FILE');
    const response = await ferry.http().get(`/imports/${id}/rejected-rows`);
    assert.deepEqual([response.status, response.body], [200, { header: [], total: 0, offset: 0, limit: 100, rows: [] }]);
  });

  const unknown = `/imports/upload-${'0'.repeat(32)}/rejected-rows`;
  const problemFields = (fields: string[]) => (response: { body: { error: { problems: { field: string }[] } } }) => {
    assert.deepEqual(
      response.body.error.problems.map((problem) => problem.field),
      fields,
    );
  };
  // biome-ignore format: one case per line
  const cases: HttpCase[] = [
    { name: 'of an unknown import', method: 'GET', url: unknown, status: 404, code: 'IMPORT_NOT_FOUND' },
    { name: 'of a path that is no import id', method: 'GET', url: '/imports/..%2Fimports/rejected-rows', status: 404, code: 'IMPORT_NOT_FOUND' },
    { name: 'bad offset and limit, both listed', method: 'GET', url: `${unknown}?offset=-1&limit=1001`, status: 400, code: 'IMPORT_REQUEST_INVALID', then: problemFields(['offset', 'limit']) },
    { name: 'limit 0', method: 'GET', url: `${unknown}?limit=0`, status: 400, code: 'IMPORT_REQUEST_INVALID', then: problemFields(['limit']) },
    { name: 'a limit that is no integer', method: 'GET', url: `${unknown}?limit=1.5`, status: 400, code: 'IMPORT_REQUEST_INVALID', then: problemFields(['limit']) },
    { name: 'an offset beyond 2^53', method: 'GET', url: `${unknown}?offset=9007199254740992`, status: 400, code: 'IMPORT_REQUEST_INVALID', then: problemFields(['offset']) },
    { name: 'is not allowed', method: 'POST', url: unknown, status: 405, code: 'HTTP_METHOD_NOT_ALLOWED', expectHeaders: { Allow: 'GET, HEAD, OPTIONS' } },
  ];
  for (const testCase of cases) {
    test(`${testCase.method} ${testCase.name} → ${testCase.status}`, () => runCase(ferry, testCase));
  }
});

describe('POST /imports and GET /imports/:id', () => {
  test('starts an import of a finished upload: 202, Location, and it runs', async () => {
    const path = await createFinishedUpload(ferry, Buffer.from('id,name\n7,Alan\n8,\n'), {});
    const response = await ferry
      .http()
      .post('/imports')
      .send({ uploadId: uploadIdOf(path), schema: 'people', mode: 'validate', maxErrors: 5 });
    assert.equal(response.status, 202, response.text);
    const started = response.body as ImportRecord;
    assert.match(started.id, /^[0-9a-f]{32}$/);
    assert.equal(response.headers.location, `/imports/${started.id}`);
    assert.deepEqual([started.status, started.mode, started.maxErrors, started.uploadId, started.attempts], ['queued', 'validate', 5, uploadIdOf(path), 0]);
    const state = await waitForImport(ferry.http, started.id);
    assert.deepEqual([state.status, state.summary.rowsRead, state.summary.rowsFailed, state.summary.rowsImported], ['succeeded', 2, 1, 0]);
  });

  // biome-ignore format: one case per line
  const cases: HttpCase[] = [
    { name: 'not JSON', method: 'POST', url: '/imports', headers: { 'Content-Type': 'application/json' }, body: '{"uploadId":', status: 400, code: 'IMPORT_REQUEST_INVALID' },
    {
      name: 'every bad field listed', method: 'POST', url: '/imports', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ schema: 3, mode: 'fast', maxErrors: 0, extra: true }), status: 400, code: 'IMPORT_REQUEST_INVALID',
      then: (response) => {
        assert.deepEqual(response.body.error.problems.map((problem: { field: string }) => problem.field), ['uploadId', 'schema', 'mode', 'maxErrors', 'extra']);
      },
    },
    { name: 'a body over 64 KiB', method: 'POST', url: '/imports', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ uploadId: 'f'.repeat(32), schema: 'x'.repeat(70_000) }), status: 400, code: 'IMPORT_REQUEST_INVALID' },
    { name: 'a JSON array', method: 'POST', url: '/imports', headers: { 'Content-Type': 'application/json' }, body: '[]', status: 400, code: 'IMPORT_REQUEST_INVALID' },
    { name: 'unknown schema', method: 'POST', url: '/imports', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ uploadId: 'f'.repeat(32), schema: 'nobody' }), status: 404, code: 'IMPORT_SCHEMA_UNKNOWN' },
    { name: 'unknown upload', method: 'POST', url: '/imports', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ uploadId: 'f'.repeat(32), schema: 'people' }), status: 404, code: 'UPLOAD_NOT_FOUND' },
    { name: 'not an upload id', method: 'POST', url: '/imports', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ uploadId: '../imports.sqlite', schema: 'people' }), status: 404, code: 'UPLOAD_NOT_FOUND' },
    { name: 'unknown import', method: 'GET', url: `/imports/${'0'.repeat(32)}`, status: 404, code: 'IMPORT_NOT_FOUND' },
    { name: 'not an import id', method: 'GET', url: '/imports/..%2Fimports', status: 404, code: 'IMPORT_NOT_FOUND' },
    { name: 'errors of an unknown import', method: 'GET', url: `/imports/upload-${'0'.repeat(32)}/errors`, status: 404, code: 'IMPORT_NOT_FOUND' },
    { name: 'errors.csv of an unknown import', method: 'GET', url: `/imports/${'0'.repeat(32)}/errors.csv`, status: 404, code: 'IMPORT_NOT_FOUND' },
    {
      name: 'bad paging', method: 'GET', url: `/imports/${'0'.repeat(32)}/errors?offset=-1&limit=1001&kind=all`, status: 400, code: 'IMPORT_REQUEST_INVALID',
      then: (response) => assert.deepEqual(response.body.error.problems.map((problem: { field: string }) => problem.field), ['offset', 'limit', 'kind']),
    },
    { name: 'limit 0', method: 'GET', url: `/imports/${'0'.repeat(32)}/errors?limit=0`, status: 400, code: 'IMPORT_REQUEST_INVALID' },
    { name: 'DELETE is not allowed', method: 'DELETE', url: `/imports/${'0'.repeat(32)}`, status: 405, code: 'HTTP_METHOD_NOT_ALLOWED', expectHeaders: { Allow: 'GET, HEAD, OPTIONS' } },
  ];
  for (const testCase of cases) {
    test(`${testCase.method} ${testCase.name} → ${testCase.status}`, () => runCase(ferry, testCase));
  }

  test('a streamed body (no Content-Length) is cut at 64 KiB: 400', async () => {
    const { hostname, port } = new URL(ferry.baseUrl);
    const response = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const request = httpRequest({ hostname, port, method: 'POST', path: '/imports', headers: { 'Content-Type': 'application/json' } }, (res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => {
          body += chunk.toString();
        });
        res.on('end', () => resolve({ status: res.statusCode!, body }));
      });
      request.on('error', reject);
      request.write(`{"schema": "${'x'.repeat(40_000)}`);
      request.end(`${'x'.repeat(40_000)}"}`);
    });
    assert.equal(response.status, 400);
    assert.match(response.body, /at most 65536 bytes/);
  });

  test('an unfinished upload cannot be imported: 409', async () => {
    const path = await createUpload(ferry, { 'Upload-Length': '100' });
    const response = await ferry
      .http()
      .post('/imports')
      .send({ uploadId: uploadIdOf(path), schema: 'people' });
    assert.equal(response.status, 409);
    assert.equal(response.body.error.code, 'UPLOAD_NOT_FINISHED');
  });

  test('once the import service is closed (the server stops), a new import is 503 HTTP_SHUTTING_DOWN', async () => {
    const stopping = await startFerry({ schemasDir: await writeSchemasDir([peopleSchema()]) });
    const path = await createFinishedUpload(stopping, Buffer.from(peopleCsv(1)));
    await stopping.ferry.imports.close();
    await runCase(stopping, {
      name: 'closed',
      method: 'POST',
      url: '/imports',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ uploadId: uploadIdOf(path), schema: 'people' }),
      status: 503,
      code: 'HTTP_SHUTTING_DOWN',
    });
  });
});

describe('GET /schemas', () => {
  test('lists the schemas loaded at start-up', async () => {
    const response = await ferry.http().get('/schemas');
    assert.equal(response.status, 200);
    assert.deepEqual(response.body, {
      schemas: [
        { name: 'people', title: 'People', columns: 3 },
        { name: 'typed_people', title: 'People', columns: 3 },
      ],
    });
  });

  test('describes one schema; an unknown one is a 404 JSON error', async () => {
    const response = await ferry.http().get('/schemas/people');
    assert.equal(response.status, 200);
    assert.deepEqual(response.body, JSON.parse(JSON.stringify(describeSchema(defineSchema(peopleSchema())))));
    await runCase(ferry, { name: 'unknown schema', method: 'GET', url: '/schemas/nobody', status: 404, code: 'IMPORT_SCHEMA_UNKNOWN' });
  });
});
