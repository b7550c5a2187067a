import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { describe, type TestContext, test } from 'node:test';
import { Upload } from '@tus/utils';
import { isAppError } from '../../src/errors/app-error.js';
import { FerryStore } from '../../src/store/index.js';
import { makeTempDir } from '../support/temp-dir.js';

/** Several pulls' worth, with a short last one. */
const CONTENT = randomBytes(2 * 1024 * 1024 + 12_345);

async function openStore(t: TestContext): Promise<FerryStore> {
  const store = new FerryStore({
    directory: await makeTempDir(),
    expirationMs: 0,
    syncIntervalMs: 60_000,
    syncAlways: false,
    queueCapacity: 8,
    coalesceBytes: 1024 * 1024,
    idleCloseMs: 60_000,
  });
  t.after(() => store.shutdown());
  return store;
}

async function finishedUpload(store: FerryStore, id: string, content: Buffer): Promise<void> {
  await store.create(new Upload({ id, size: content.length, offset: 0 }));
  const result = await store.append([content], id, 0, content.length);
  assert.equal(result.finished, true);
}

async function readAll(stream: ReadableStream<Uint8Array>): Promise<Buffer> {
  return Buffer.from(await new Response(stream).arrayBuffer());
}

/** This process's open file descriptors (Linux). */
async function openFds(): Promise<number> {
  return (await readdir('/proc/self/fd')).length;
}

function hasCode(code: string, status: number) {
  return (error: unknown): boolean => {
    assert.ok(isAppError(error, code), `expected ${code}, got ${String(error)}`);
    assert.equal(error.status_code, status);
    return true;
  };
}

describe('FerryStore: downloads', () => {
  test('streams a whole finished upload and closes its file', async (t) => {
    const store = await openStore(t);
    await finishedUpload(store, 'dl-full', CONTENT);
    const fds = await openFds();
    const download = await store.openDownload('dl-full');
    assert.deepEqual([download.start, download.end, download.size], [0, CONTENT.length - 1, CONTENT.length]);
    assert.equal(download.upload.id, 'dl-full');
    assert.ok((await readAll(download.stream)).equals(CONTENT));
    assert.equal(await openFds(), fds);
  });

  test('streams a range; the end is inclusive and clamped to the file', async (t) => {
    const store = await openStore(t);
    await finishedUpload(store, 'dl-range', CONTENT);
    const cases = [
      { range: { start: 2, end: 5 }, start: 2, end: 5 },
      { range: { start: 1_000_000 }, start: 1_000_000, end: CONTENT.length - 1 },
      { range: { start: 10, end: CONTENT.length * 2 }, start: 10, end: CONTENT.length - 1 },
      { range: { start: CONTENT.length - 1, end: CONTENT.length - 1 }, start: CONTENT.length - 1, end: CONTENT.length - 1 },
    ];
    for (const { range, start, end } of cases) {
      const download = await store.openDownload('dl-range', range);
      assert.deepEqual([download.start, download.end], [start, end], JSON.stringify(range));
      assert.ok((await readAll(download.stream)).equals(CONTENT.subarray(start, end + 1)), JSON.stringify(range));
    }
  });

  test('a range outside the file is HTTP_RANGE_NOT_SATISFIABLE (416) and opens nothing', async (t) => {
    const store = await openStore(t);
    await finishedUpload(store, 'dl-bad', Buffer.from('0123456789'));
    await finishedUpload(store, 'dl-empty', Buffer.alloc(0));
    const fds = await openFds();
    const cases: [string, { start: number; end?: number }][] = [
      ['dl-bad', { start: 10 }],
      ['dl-bad', { start: -1 }],
      ['dl-bad', { start: 5, end: 4 }],
      ['dl-bad', { start: 1.5 }],
      ['dl-empty', { start: 0 }],
    ];
    for (const [id, range] of cases) {
      await assert.rejects(store.openDownload(id, range), hasCode('HTTP_RANGE_NOT_SATISFIABLE', 416), JSON.stringify(range));
    }
    assert.equal(await openFds(), fds);
  });

  test('an empty finished upload streams nothing', async (t) => {
    const store = await openStore(t);
    await finishedUpload(store, 'dl-zero', Buffer.alloc(0));
    const download = await store.openDownload('dl-zero');
    assert.deepEqual([download.start, download.end, download.size], [0, -1, 0]);
    assert.equal((await readAll(download.stream)).length, 0);
  });

  test('an unfinished upload is UPLOAD_NOT_FINISHED (409); an unknown one UPLOAD_NOT_FOUND (404)', async (t) => {
    const store = await openStore(t);
    await store.create(new Upload({ id: 'dl-half', size: 10, offset: 0 }));
    await store.append([Buffer.from('abc')], 'dl-half', 0, 10);
    await store.create(new Upload({ id: 'dl-deferred', offset: 0 }));
    await assert.rejects(store.openDownload('dl-half'), hasCode('UPLOAD_NOT_FINISHED', 409));
    await assert.rejects(store.openDownload('dl-deferred'), hasCode('UPLOAD_NOT_FINISHED', 409));
    await assert.rejects(store.openDownload('dl-nowhere'), hasCode('UPLOAD_NOT_FOUND', 404));
  });

  test('cancel in the middle closes the file; cancelling again, or after the end, never throws', async (t) => {
    const store = await openStore(t);
    await finishedUpload(store, 'dl-cancel', CONTENT);
    const fds = await openFds();
    const download = await store.openDownload('dl-cancel');
    const reader = download.stream.getReader();
    const first = await reader.read();
    assert.equal(first.done, false);
    assert.ok(CONTENT.subarray(0, first.value?.length).equals(first.value ?? Buffer.alloc(0)));
    await reader.cancel();
    await reader.cancel();
    assert.deepEqual(await reader.read(), { done: true, value: undefined });
    assert.equal(await openFds(), fds);

    const finished = await store.openDownload('dl-cancel', { start: 0, end: 9 });
    const finishedReader = finished.stream.getReader();
    while (!(await finishedReader.read()).done);
    await finishedReader.cancel();
    assert.equal(await openFds(), fds);
  });

  test('cancel while a read is in flight: the read ends, nothing throws, the file closes', async (t) => {
    const store = await openStore(t);
    await finishedUpload(store, 'dl-race', CONTENT);
    const fds = await openFds();
    const download = await store.openDownload('dl-race');
    const reader = download.stream.getReader();
    const pending = reader.read();
    await reader.cancel();
    assert.equal((await pending).done, true);
    assert.equal(await openFds(), fds);
  });

  test('each chunk is a fresh buffer: what a reader keeps is never overwritten', async (t) => {
    const store = await openStore(t);
    await finishedUpload(store, 'dl-fresh', CONTENT);
    const kept: Uint8Array[] = [];
    for await (const chunk of (await store.openDownload('dl-fresh')).stream) kept.push(chunk);
    assert.ok(kept.length > 1);
    assert.ok(Buffer.concat(kept).equals(CONTENT));
  });
});
