import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ImportRecord } from '../../src/imports/index.js';
import { metadataHeader, OCTET, TUS } from '../http/harness.js';
import { peopleSchema, writeSchemasDir } from '../imports/harness.js';
import { waitFor } from '../support/tus-requests.js';
import { ADMIN, assertSameAsMissing, type Call, jsonOf, missingUploadId, send, startOwnedFerry, type Who } from './harness.js';

const ferry = await startOwnedFerry({ schemasDir: await writeSchemasDir([peopleSchema()]) });
/** One good row, one bad one: every report has something in it. */
const CSV = Buffer.from('id,name,score\n1,Ada,10\n2,,x\n');

/** A finished CSV upload of `who`, with `metadata`; resolves with its id. */
async function upload(who: Who, metadata: Record<string, string> = {}): Promise<string> {
  const headers: Record<string, string> = { ...TUS, ...OCTET, 'Upload-Length': String(CSV.length) };
  if (Object.keys(metadata).length > 0) headers['Upload-Metadata'] = metadataHeader(metadata);
  const response = await send(ferry, who, { method: 'POST', path: '/files/', headers, body: CSV });
  assert.equal(response.status, 201, response.body.toString());
  return (response.headers.location as string).split('/').pop()!;
}

async function finishedImport(who: Who, id: string): Promise<ImportRecord> {
  let record: ImportRecord | undefined;
  await waitFor(`import ${id} to finish`, async () => {
    const response = await send(ferry, who, { method: 'GET', path: `/imports/${id}` });
    if (response.status === 404) return false;
    record = jsonOf<ImportRecord>(response);
    return record.status === 'succeeded' || record.status === 'failed';
  });
  return record!;
}

const startImport = (uploadId: string): Call => ({
  method: 'POST',
  path: '/imports',
  headers: { 'Content-Type': 'application/json' },
  body: Buffer.from(JSON.stringify({ uploadId, schema: 'people', mode: 'skip-bad-rows' })),
});

/** Every /imports route that reads one import. */
const READ_ROUTES: Array<[string, (id: string) => string]> = [
  ['GET /imports/:id', (id) => `/imports/${id}`],
  ['GET /imports/:id/errors', (id) => `/imports/${id}/errors`],
  ['GET /imports/:id/errors?kind=error', (id) => `/imports/${id}/errors?kind=error&offset=0&limit=5`],
  ['GET /imports/:id/rejected-rows', (id) => `/imports/${id}/rejected-rows`],
  ['GET /imports/:id/errors.csv', (id) => `/imports/${id}/errors.csv`],
];

describe("an automatic import is the upload owner's", async () => {
  const uploadId = await upload('alice', { schema: 'people', mode: 'skip-bad-rows' });
  const importId = `upload-${uploadId}`;
  const record = await finishedImport('alice', importId);

  test('it carries the owner', () => {
    assert.equal(record.status, 'succeeded', JSON.stringify(record));
    assert.equal(record.owner, 'alice');
  });

  for (const [name, path] of READ_ROUTES) {
    for (const stranger of ['bob', 'anonymous'] as const) {
      test(`${name} as ${stranger}: 404 exactly as a missing import`, async () => {
        const theirs = await send(ferry, stranger, { method: 'GET', path: path(importId) });
        const missing = await send(ferry, stranger, { method: 'GET', path: path(`upload-${missingUploadId()}`) });
        assertSameAsMissing(theirs, missing, name);
        assert.equal(jsonOf<{ error: { code: string } }>(theirs).error.code, 'IMPORT_NOT_FOUND');
      });
    }
    for (const who of ['alice', ADMIN] as const) {
      test(`${name} as ${typeof who === 'string' ? who : 'an admin'}: 200`, async () => {
        const response = await send(ferry, who, { method: 'GET', path: path(importId) });
        assert.equal(response.status, 200, response.body.toString());
      });
    }
  }
});

describe('POST /imports', () => {
  for (const stranger of ['bob', 'anonymous'] as const) {
    test(`on alice's upload as ${stranger}: 404 exactly as a missing upload`, async () => {
      const uploadId = await upload('alice');
      const theirs = await send(ferry, stranger, startImport(uploadId));
      const missing = await send(ferry, stranger, startImport(missingUploadId()));
      assertSameAsMissing(theirs, missing, 'POST /imports');
      assert.equal(jsonOf<{ error: { code: string } }>(theirs).error.code, 'UPLOAD_NOT_FOUND');
    });
  }

  for (const who of ['alice', ADMIN] as const) {
    test(`on alice's upload as ${typeof who === 'string' ? who : 'an admin'}: the import is alice's`, async () => {
      const uploadId = await upload('alice');
      const response = await send(ferry, who, startImport(uploadId));
      assert.equal(response.status, 202, response.body.toString());
      const accepted = jsonOf<ImportRecord>(response);
      assert.equal(accepted.owner, 'alice');
      const record = await finishedImport('alice', accepted.id);
      assert.equal(record.status, 'succeeded', JSON.stringify(record));
      assert.equal((await send(ferry, 'bob', { method: 'GET', path: `/imports/${accepted.id}` })).status, 404);
    });
  }
});
