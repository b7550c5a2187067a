import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import type { ImportRecord } from '../../src/imports/index.js';
import { spawnFerry } from '../support/ferry-process.js';
import { makeTempDir } from '../support/temp-dir.js';
import { createUpload, headOffset, TUS, waitFor } from '../support/tus-requests.js';
import { openStore, peopleCsv, peopleSchema, sqliteCount, storeUpload, writeSchemasDir } from './harness.js';

const ROWS = 400_000;

async function importState(baseUrl: string, id: string): Promise<ImportRecord | undefined> {
  const response = await fetch(`${baseUrl}/imports/${id}`);
  return response.status === 200 ? ((await response.json()) as ImportRecord) : undefined;
}

test('a ferry process killed with SIGKILL mid-import re-runs the import once at the next start: rows once', async () => {
  const dataDir = path.join(await makeTempDir(), 'data');
  const args = ['--schemas-dir', await writeSchemasDir([peopleSchema()])];
  const content = Buffer.from(peopleCsv(ROWS));

  const first = await spawnFerry({ dataDir, args });
  const uploadUrl = await createUpload(first.url, content.length, `schema ${Buffer.from('people').toString('base64')}`);
  const patched = await fetch(uploadUrl, {
    method: 'PATCH',
    headers: { ...TUS, 'Upload-Offset': '0', 'Content-Type': 'application/offset+octet-stream' },
    body: content,
  });
  assert.equal(patched.status, 204);
  const id = `upload-${uploadUrl.split('/').pop()!}`;
  await waitFor(
    'the import to be running',
    async () => {
      const state = await importState(first.url, id);
      assert.notEqual(state?.status, 'succeeded', 'the import finished before the process could be killed');
      return state?.status === 'running' && state.summary.rowsRead > 0;
    },
    30_000,
  );
  first.child.kill('SIGKILL');
  await first.exited;

  const second = await spawnFerry({ dataDir, args });
  try {
    let state: ImportRecord | undefined;
    await waitFor(
      'the import to finish after the restart',
      async () => {
        state = await importState(second.url, id);
        return state?.status === 'succeeded' || state?.status === 'failed';
      },
      60_000,
    );
    assert.deepEqual([state!.status, state!.attempts, state!.summary.rowsImported], ['succeeded', 2, ROWS], JSON.stringify(state));
    assert.equal(sqliteCount(dataDir, 'people'), ROWS, 'the killed run left nothing behind');
    assert.equal(await headOffset(uploadUrl.replace(first.url, second.url)), content.length, 'the upload is kept');
  } finally {
    second.child.kill('SIGTERM');
    await second.exited;
  }
});

test('an upload finished just before a crash, its automatic import never saved, is imported at the next start, once', async (t) => {
  const dataDir = path.join(await makeTempDir(), 'data');
  const args = ['--schemas-dir', await writeSchemasDir([peopleSchema()])];
  // The crash window: the upload's bytes are on disk, finished, and no import record exists.
  const uploadId = 'e'.repeat(32);
  await storeUpload(openStore(t, dataDir), uploadId, peopleCsv(30), { schema: 'people' });
  const id = `upload-${uploadId}`;

  const first = await spawnFerry({ dataDir, args });
  try {
    let state: ImportRecord | undefined;
    await waitFor(
      'the lost import to run',
      async () => {
        state = await importState(first.url, id);
        return state?.status === 'succeeded' || state?.status === 'failed';
      },
      30_000,
    );
    assert.deepEqual([state!.status, state!.attempts, state!.summary.rowsImported], ['succeeded', 1, 30], JSON.stringify(state));
  } finally {
    first.child.kill('SIGTERM');
    await first.exited;
  }

  const second = await spawnFerry({ dataDir, args });
  try {
    const scanLine = () => second.lines.find((line) => line.includes('"msg":"finished uploads scanned for missed automatic imports"'));
    await waitFor('the start-up scan', () => scanLine() !== undefined);
    assert.equal((JSON.parse(scanLine()!) as { started: number }).started, 0);
    assert.equal((await importState(second.url, id))?.attempts, 1);
    assert.equal(sqliteCount(dataDir, 'people'), 30, 'imported once');
  } finally {
    second.child.kill('SIGTERM');
    await second.exited;
  }
});
