import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { appendFile, readdir, readFile, stat, symlink, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, type TestContext, test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { Upload } from '@tus/utils';
import { isAppError } from '../../src/errors/app-error.js';
import { FerryStore, type FerryStoreOptions } from '../../src/store/index.js';
import { makeTempDir } from '../support/temp-dir.js';

const HOUR = 60 * 60 * 1000;

/** What the store told its observer. */
interface Seen {
  fsyncs: number;
  bytesWritten: number;
  errors: Error[];
  events: string[];
  /** Ids told to onUploadDamaged. */
  damaged: string[];
}

async function openStore(t: TestContext, overrides: Partial<FerryStoreOptions> = {}, directory?: string) {
  const seen: Seen = { fsyncs: 0, bytesWritten: 0, errors: [], events: [], damaged: [] };
  const store = new FerryStore({
    directory: directory ?? (await makeTempDir()),
    expirationMs: 0,
    syncIntervalMs: HOUR,
    syncAlways: false,
    queueCapacity: 4,
    coalesceBytes: 64 * 1024,
    idleCloseMs: HOUR,
    observer: {
      onFsync: () => {
        seen.fsyncs += 1;
        seen.events.push('fsync');
      },
      onBytesWritten: (bytes) => (seen.bytesWritten += bytes),
      onError: (error) => seen.errors.push(error),
      onUploadDamaged: ({ uploadId }) => seen.damaged.push(uploadId),
    },
    ...overrides,
  });
  t.after(() => store.shutdown());
  return { store, seen };
}

function create(store: FerryStore, id: string, size?: number, extra: { metadata?: Record<string, string | null>; creation_date?: string } = {}) {
  return store.create(new Upload({ id, size, offset: 0, ...extra }));
}

async function* chunks(...parts: string[]): AsyncGenerator<Uint8Array> {
  for (const part of parts) yield Buffer.from(part);
}

async function* failingAfter(error: Error, ...parts: string[]): AsyncGenerator<Uint8Array> {
  yield* chunks(...parts);
  throw error;
}

function hasCode(code: string, status?: number) {
  return (error: unknown): boolean => {
    assert.ok(isAppError(error, code), `expected ${code}, got ${String(error)}`);
    if (status !== undefined) assert.equal(error.status_code, status);
    return true;
  };
}

/** Polls `check` until it holds; fails after a generous deadline. */
async function waitFor(check: () => boolean | Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!(await check())) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await delay(2);
  }
}

async function offsetOf(store: FerryStore, id: string): Promise<number> {
  return (await store.getUpload(id)).offset;
}

function dataFile(upload: Upload): string {
  assert.ok(upload.storage);
  return upload.storage.path;
}

describe('FerryStore: ids', () => {
  test('an id outside [A-Za-z0-9_-]{1,128} is UPLOAD_NOT_FOUND and touches no file', async (t) => {
    const root = await makeTempDir();
    const directory = path.join(root, 'uploads');
    const sentinel = path.join(root, 'sentinel');
    await writeFile(sentinel, 'keep me');
    await writeFile(`${sentinel}.json`, '{"id":"sentinel","size":7,"creation_date":"2020-01-01T00:00:00.000Z"}');
    const before = await stat(sentinel);
    const { store } = await openStore(t, { expirationMs: HOUR }, directory);
    const ids = ['..', '../sentinel', '%2e%2e', '%2e%2e%2fsentinel', 'a/b', 'a\\b', 'a\0b', '', '.', 'sentinel.json', 'x'.repeat(129)];
    const operations: [string, (id: string) => Promise<unknown>][] = [
      ['getUpload', (id) => store.getUpload(id)],
      ['remove', (id) => store.remove(id)],
      ['write', (id) => store.write(chunks('evil'), id, 0)],
      ['append', (id) => store.append(chunks('evil'), id, 7, 100)],
      ['declareUploadLength', (id) => store.declareUploadLength(id, 100)],
      ['rollback', (id) => store.rollback(id, 0)],
      ['openDownload', (id) => store.openDownload(id)],
      [
        'create',
        (id) => {
          const upload = new Upload({ id: 'placeholder', size: 4, offset: 0 });
          upload.id = id;
          return store.create(upload);
        },
      ],
    ];
    for (const id of ids) {
      for (const [name, operation] of operations) {
        await assert.rejects(operation(id), hasCode('UPLOAD_NOT_FOUND', 404), `${name}(${JSON.stringify(id)})`);
      }
    }
    assert.equal(await store.deleteExpired(), 0);
    assert.equal(await readFile(sentinel, 'utf8'), 'keep me');
    assert.equal((await stat(sentinel)).mtimeMs, before.mtimeMs);
    assert.deepEqual((await readdir(root)).sort(), ['sentinel', 'sentinel.json', 'uploads']);
    assert.deepEqual(await readdir(directory), []);
  });

  test('create writes an empty data file and <id>.json without an offset; an existing id is never overwritten', async (t) => {
    const { store } = await openStore(t);
    const upload = await create(store, 'c1', 5, { metadata: { name: 'x' } });
    const file = dataFile(upload);
    assert.equal((await stat(file)).size, 0);
    assert.deepEqual(JSON.parse(await readFile(`${file}.json`, 'utf8')), {
      id: 'c1',
      size: 5,
      metadata: { name: 'x' },
      creation_date: upload.creation_date,
    });
    await store.append(chunks('abc'), 'c1', 0, 5);
    await assert.rejects(create(store, 'c1', 9), hasCode('UPLOAD_STORE_FAILED', 500));
    assert.equal(await readFile(file, 'utf8'), 'abc');
    assert.equal(JSON.parse(await readFile(`${file}.json`, 'utf8')).size, 5);
  });

  test('the protocol an upload was created with is kept in <id>.json, through a declared length and a restart; absent is tus', async (t) => {
    const directory = await makeTempDir();
    const { store } = await openStore(t, {}, directory);
    await store.createUpload({ id: 'p1', offset: 0, protocol: 'ietf', createdAt: new Date().toISOString() });
    await create(store, 'p2', 3);
    await store.append(chunks('abc'), 'p1', 0, 10);
    await store.declareUploadLength('p1', 3);
    assert.equal((await store.readUpload('p1')).protocol, 'ietf');
    assert.equal((await store.readUpload('p2')).protocol, 'tus');
    assert.equal(JSON.parse(await readFile(path.join(directory, 'p1.json'), 'utf8')).protocol, 'ietf');
    assert.equal('protocol' in JSON.parse(await readFile(path.join(directory, 'p2.json'), 'utf8')), false);
    await store.shutdown();
    const { store: reopened } = await openStore(t, {}, directory);
    assert.equal((await reopened.readUpload('p1')).protocol, 'ietf');
    assert.equal((await reopened.readUpload('p2')).protocol, 'tus');
  });

  test('an owner (reserved for authorization) is kept in <id>.json when present, through a restart; absent otherwise', async (t) => {
    const directory = await makeTempDir();
    const { store } = await openStore(t, {}, directory);
    const createdAt = new Date().toISOString();
    await store.createUpload({ id: 'o1', offset: 0, size: 3, protocol: 'tus', createdAt, owner: 'alice' });
    await store.createUpload({ id: 'o2', offset: 0, size: 3, protocol: 'tus', createdAt });
    assert.equal(JSON.parse(await readFile(path.join(directory, 'o1.json'), 'utf8')).owner, 'alice');
    assert.equal('owner' in JSON.parse(await readFile(path.join(directory, 'o2.json'), 'utf8')), false);
    await store.shutdown();
    const { store: reopened } = await openStore(t, {}, directory);
    assert.deepEqual(await reopened.readUpload('o1'), { id: 'o1', offset: 0, size: 3, protocol: 'tus', createdAt, owner: 'alice' });
    assert.equal((await reopened.readUpload('o2')).owner, undefined);
  });

  test('an info file naming an unknown protocol is damaged (UPLOAD_INFO_DAMAGED)', async (t) => {
    const directory = await makeTempDir();
    await writeFile(path.join(directory, 'p3'), '');
    await writeFile(path.join(directory, 'p3.json'), '{"id":"p3","creation_date":"2020-01-01T00:00:00.000Z","protocol":"smoke-signals"}');
    const { store } = await openStore(t, {}, directory);
    await assert.rejects(store.getUpload('p3'), hasCode('UPLOAD_INFO_DAMAGED', 410));
  });
});

describe('FerryStore: append', () => {
  test('resolves once every byte reached the file, with the new offset', async (t) => {
    const { store, seen } = await openStore(t);
    const file = dataFile(await create(store, 'a1', 10));
    assert.deepEqual(await store.append(chunks('hel', 'lo'), 'a1', 0, 10), { offset: 5, finished: false });
    assert.equal(await readFile(file, 'utf8'), 'hello');
    assert.deepEqual(await store.append(chunks('wor', 'ld'), 'a1', 5, 10), { offset: 10, finished: true });
    assert.equal(await readFile(file, 'utf8'), 'helloworld');
    assert.equal(seen.bytesWritten, 10);
  });

  test('a wrong offset is UPLOAD_OFFSET_MISMATCH (409) and stores nothing', async (t) => {
    const { store } = await openStore(t);
    const file = dataFile(await create(store, 'o1', 10));
    await store.append(chunks('ab'), 'o1', 0, 10);
    await assert.rejects(store.append(chunks('zz'), 'o1', 0, 10), hasCode('UPLOAD_OFFSET_MISMATCH', 409));
    await assert.rejects(store.append(chunks('zz'), 'o1', 3, 10), hasCode('UPLOAD_OFFSET_MISMATCH', 409));
    assert.equal(await readFile(file, 'utf8'), 'ab');
  });

  test('a source that fails mid-body (client gone) keeps what arrived and rethrows its error', async (t) => {
    const { store } = await openStore(t);
    const file = dataFile(await create(store, 'd1', 100));
    const gone = new Error('client went away');
    await assert.rejects(store.append(failingAfter(gone, 'abc', 'de'), 'd1', 0, 100), (error) => error === gone);
    assert.equal(await offsetOf(store, 'd1'), 5);
    assert.equal(await readFile(file, 'utf8'), 'abcde');
    assert.deepEqual(await store.append(chunks('f'), 'd1', 5, 100), { offset: 6, finished: false });
  });

  test('a source that ends early resolves with the bytes that came', async (t) => {
    const { store } = await openStore(t);
    await create(store, 'e1', 100);
    assert.deepEqual(await store.append(chunks('abc'), 'e1', 0, 100), { offset: 3, finished: false });
    assert.deepEqual(await store.append(chunks(), 'e1', 3, 100), { offset: 3, finished: false });
  });

  test('a body past the limit stores exactly up to it, then UPLOAD_LENGTH_EXCEEDED (413)', async (t) => {
    const { store } = await openStore(t);
    const cases = [
      { id: 'x1', size: 8, maxBytes: 100, stored: 'abcdefgh' },
      { id: 'x2', size: 100, maxBytes: 4, stored: 'abcd' },
      { id: 'x3', size: undefined, maxBytes: 6, stored: 'abcdef' },
    ];
    for (const { id, size, maxBytes, stored } of cases) {
      const file = dataFile(await create(store, id, size));
      await assert.rejects(store.append(chunks('abcde', 'fghij'), id, 0, maxBytes), hasCode('UPLOAD_LENGTH_EXCEEDED', 413), id);
      assert.equal(await readFile(file, 'utf8'), stored, id);
      assert.equal(await offsetOf(store, id), stored.length, id);
    }
  });

  test('a data file replaced by a symlink (to /dev/full) is UPLOAD_FILE_UNSAFE: nothing is written through it', {
    skip: !existsSync('/dev/full') && 'no /dev/full',
  }, async (t) => {
    const { store, seen } = await openStore(t);
    const file = dataFile(await create(store, 'full1', 10));
    await unlink(file);
    await symlink('/dev/full', file);
    await assert.rejects(store.append(chunks('abc'), 'full1', 0, 10), hasCode('UPLOAD_FILE_UNSAFE', 410));
    await assert.rejects(store.append(chunks('abc'), 'full1', 0, 10), hasCode('UPLOAD_FILE_UNSAFE', 410));
    assert.deepEqual(seen.errors, []);
    assert.deepEqual(seen.damaged, ['full1']);
    await store.remove('full1');
  });

  test('two appends at once: the second is UPLOAD_LOCKED (423) and bytes never interleave', async (t) => {
    const { store } = await openStore(t);
    const file = dataFile(await create(store, 'l1', 100));
    const body = new PassThrough();
    const first = store.append(body, 'l1', 0, 100);
    body.write('aaa');
    await waitFor(async () => (await offsetOf(store, 'l1')) === 3, 'the first chunk');
    await assert.rejects(store.append(chunks('bbb'), 'l1', 3, 100), hasCode('UPLOAD_LOCKED', 423));
    await assert.rejects(store.rollback('l1', 0), hasCode('UPLOAD_LOCKED', 423));
    body.end('ccc');
    assert.deepEqual(await first, { offset: 6, finished: false });
    assert.equal(await readFile(file, 'utf8'), 'aaaccc');
  });

  test('write (the DataStore entry) returns the offset and closes the upload once finished', async (t) => {
    const { store } = await openStore(t);
    await create(store, 'w1', 4);
    assert.equal(await store.write(chunks('ab', 'cd'), 'w1', 0), 4);
    assert.equal(store.stats().openUploads, 0);
  });
});

describe('FerryStore: durability', () => {
  test('finishing fsyncs before the append resolves, then closes the writer', async (t) => {
    const { store, seen } = await openStore(t);
    await create(store, 'f1', 6);
    const result = await store.append(chunks('abc', 'def'), 'f1', 0, 6);
    seen.events.push('resolved');
    assert.deepEqual(result, { offset: 6, finished: true });
    assert.deepEqual(seen.events, ['fsync', 'resolved']);
    assert.equal(store.stats().openUploads, 0);
  });

  test('syncAlways fsyncs before every acknowledgement; interval mode does not', async (t) => {
    for (const syncAlways of [true, false]) {
      const { store, seen } = await openStore(t, { syncAlways });
      await create(store, 's1', 10);
      await store.append(chunks('ab'), 's1', 0, 10);
      assert.equal(seen.fsyncs, syncAlways ? 1 : 0);
      await store.append(chunks('cd'), 's1', 2, 10);
      assert.equal(seen.fsyncs, syncAlways ? 2 : 0);
    }
  });

  test('an open upload is fsynced every syncIntervalMs', async (t) => {
    const { store, seen } = await openStore(t, { syncIntervalMs: 5 });
    await create(store, 'i1', 10);
    await store.append(chunks('ab'), 'i1', 0, 10);
    await waitFor(() => seen.fsyncs >= 1, 'a periodic fsync');
    assert.equal(store.stats().openUploads, 1);
  });

  test('an fsync is skipped when nothing changed since the last one', async (t) => {
    const { store, seen } = await openStore(t, { syncIntervalMs: 2, idleCloseMs: 50 });
    await create(store, 'k1', 10);
    await store.append(chunks('ab'), 'k1', 0, 10);
    await waitFor(() => store.stats().openUploads === 0, 'the idle close');
    await store.shutdown();
    assert.equal(seen.fsyncs, 1, 'periodic ticks and the final close sync add no fsync');
  });

  test('rollback cuts the file back to where an append started', async (t) => {
    const { store } = await openStore(t);
    const file = dataFile(await create(store, 'r1', 20));
    await store.append(chunks('hello'), 'r1', 0, 20);
    const start = await offsetOf(store, 'r1');
    await store.append(chunks('XX', 'XX'), 'r1', start, 20);
    await store.rollback('r1', start);
    assert.equal(await offsetOf(store, 'r1'), 5);
    assert.equal((await stat(file)).size, 5);
    await store.rollback('r1', 5);
    for (const bad of [6, -1, 2.5]) {
      await assert.rejects(store.rollback('r1', bad), hasCode('UPLOAD_OFFSET_INVALID', 400), String(bad));
    }
    await store.append(chunks('world'), 'r1', 5, 20);
    assert.equal(await readFile(file, 'utf8'), 'helloworld');
    await assert.rejects(store.rollback('r-unknown', 0), hasCode('UPLOAD_NOT_FOUND', 404));
  });

  test("after a restart the data file's size is the offset, even beyond any cached state", async (t) => {
    const directory = await makeTempDir();
    const { store: first } = await openStore(t, {}, directory);
    await create(first, 'p1', 20, { metadata: { name: 'p' } });
    await first.append(chunks('abcde'), 'p1', 0, 20);
    assert.equal(await offsetOf(first, 'p1'), 5);
    await appendFile(path.join(directory, 'p1'), 'fgh');
    const { store: second } = await openStore(t, {}, directory);
    const upload = await second.getUpload('p1');
    assert.equal(upload.offset, 8);
    assert.equal(upload.size, 20);
    assert.deepEqual(upload.metadata, { name: 'p' });
    assert.deepEqual(await second.append(chunks('ij'), 'p1', 8, 20), { offset: 10, finished: false });
    assert.equal(await readFile(path.join(directory, 'p1'), 'utf8'), 'abcdefghij');
  });

  test('an open upload answers getUpload from memory, not from its files', async (t) => {
    const { store } = await openStore(t);
    const file = dataFile(await create(store, 'm1', 10, { metadata: { name: 'm' } }));
    await store.append(chunks('abc'), 'm1', 0, 10);
    await unlink(`${file}.json`);
    const upload = await store.getUpload('m1');
    assert.equal(upload.offset, 3);
    assert.equal(upload.size, 10);
    assert.deepEqual(upload.metadata, { name: 'm' });
    upload.offset = 99;
    assert.equal(await offsetOf(store, 'm1'), 3, 'each answer is a fresh object');
    await store.shutdown();
    await appendFile(file, 'd');
    assert.equal(await offsetOf(store, 'm1'), 4, "closed: the offset is the data file's size again");
    await unlink(file);
    await assert.rejects(store.getUpload('m1'), hasCode('UPLOAD_NOT_FOUND', 404), 'closed: read from disk');
  });

  test("a closed upload's info is cached (no JSON read for a PATCH after its POST), its offset never is", async (t) => {
    const { store } = await openStore(t);
    const file = dataFile(await create(store, 'c1', 10, { metadata: { name: 'c' } }));
    await unlink(`${file}.json`);
    const upload = await store.getUpload('c1');
    assert.deepEqual([upload.offset, upload.size, upload.metadata], [0, 10, { name: 'c' }]);
    await appendFile(file, 'xy');
    assert.equal(await offsetOf(store, 'c1'), 2);
    assert.deepEqual(await store.append(chunks('abc'), 'c1', 2, 10), { offset: 5, finished: false });
  });

  test('an idle upload closes its file and aggregator, fsynced, and reopens on the next append', async (t) => {
    const { store, seen } = await openStore(t, { idleCloseMs: 20 });
    const file = dataFile(await create(store, 'idle1', 10));
    await store.append(chunks('abc'), 'idle1', 0, 10);
    await waitFor(() => store.stats().openUploads === 0 && seen.fsyncs === 1, 'the idle close and its fsync');
    assert.equal(await offsetOf(store, 'idle1'), 3);
    assert.deepEqual(await store.append(chunks('def'), 'idle1', 3, 10), { offset: 6, finished: false });
    assert.equal(await readFile(file, 'utf8'), 'abcdef');
  });

  test('shutdown writes and fsyncs every open upload, then refuses appends with HTTP_SHUTTING_DOWN (503)', async (t) => {
    const { store, seen } = await openStore(t);
    await create(store, 'h1', 10);
    await create(store, 'h2');
    await store.append(chunks('abc'), 'h1', 0, 10);
    await store.append(chunks('de'), 'h2', 0, 10);
    assert.equal(store.stats().openUploads, 2);
    await store.shutdown();
    assert.equal(seen.fsyncs, 2);
    assert.equal(store.stats().openUploads, 0);
    await assert.rejects(store.append(chunks('d'), 'h1', 3, 10), hasCode('HTTP_SHUTTING_DOWN', 503));
    await assert.rejects(store.declareUploadLength('h2', 5), hasCode('HTTP_SHUTTING_DOWN', 503));
    assert.equal(await offsetOf(store, 'h1'), 3);
  });

  test('shutdown cuts an append in flight and keeps the bytes that arrived', async (t) => {
    const { store } = await openStore(t);
    const file = dataFile(await create(store, 'h3', 10));
    const body = new PassThrough();
    const pending = store.append(body, 'h3', 0, 10);
    body.write('abc');
    await waitFor(async () => (await offsetOf(store, 'h3')) === 3, 'the first chunk');
    await store.shutdown();
    body.end('def');
    await assert.rejects(pending, hasCode('HTTP_SHUTTING_DOWN', 503));
    assert.equal(await readFile(file, 'utf8'), 'abc');
  });
});

describe('FerryStore: lifecycle', () => {
  test('remove closes an open upload and deletes both files', async (t) => {
    const { store } = await openStore(t);
    const file = dataFile(await create(store, 'rm1', 10));
    await store.append(chunks('abc'), 'rm1', 0, 10);
    await store.remove('rm1');
    assert.equal(existsSync(file), false);
    assert.equal(existsSync(`${file}.json`), false);
    assert.equal(store.stats().openUploads, 0);
    await assert.rejects(store.getUpload('rm1'), hasCode('UPLOAD_NOT_FOUND', 404));
    await assert.rejects(store.append(chunks('d'), 'rm1', 3, 10), hasCode('UPLOAD_NOT_FOUND', 404));
  });

  test('declareUploadLength rewrites <id>.json and memory; a length below the offset is UPLOAD_LENGTH_INVALID', async (t) => {
    const { store } = await openStore(t);
    const file = dataFile(await create(store, 'dl1'));
    await store.append(chunks('abcd'), 'dl1', 0, 100);
    await assert.rejects(store.declareUploadLength('dl1', 3), hasCode('UPLOAD_LENGTH_INVALID', 400));
    await store.declareUploadLength('dl1', 6);
    assert.equal(JSON.parse(await readFile(`${file}.json`, 'utf8')).size, 6);
    assert.equal((await store.getUpload('dl1')).size, 6);
    await assert.rejects(store.declareUploadLength('dl1', 7), hasCode('UPLOAD_LENGTH_INVALID', 400));
    assert.deepEqual(await store.append(chunks('ef'), 'dl1', 4, 100), { offset: 6, finished: true });
    assert.deepEqual((await readdir(path.dirname(file))).sort(), ['dl1', 'dl1.json'], 'no temp file left behind');
  });

  // FerryStore only: @tus/file-store 2.1.1 deletes finished uploads too (its stored offset stays 0).
  test('deleteExpired deletes old unfinished uploads only: never finished, fresh or busy ones', async (t) => {
    const { store } = await openStore(t, { expirationMs: HOUR });
    const creation_date = new Date(Date.now() - 2 * HOUR).toISOString();
    await create(store, 'old-unfinished', 10, { creation_date });
    await store.append(chunks('abc'), 'old-unfinished', 0, 10);
    await create(store, 'old-closed', 10, { creation_date });
    await create(store, 'old-deferred', undefined, { creation_date });
    await create(store, 'old-finished', 3, { creation_date });
    await store.append(chunks('abc'), 'old-finished', 0, 3);
    await create(store, 'old-empty', 0, { creation_date });
    await create(store, 'fresh', 10);
    await create(store, 'old-busy', 10, { creation_date });
    const body = new PassThrough();
    const busy = store.append(body, 'old-busy', 0, 10);
    body.write('x');
    await waitFor(async () => (await offsetOf(store, 'old-busy')) === 1, "the busy upload's first byte");

    assert.equal(await store.deleteExpired(), 3);
    for (const gone of ['old-unfinished', 'old-closed', 'old-deferred']) {
      await assert.rejects(store.getUpload(gone), hasCode('UPLOAD_NOT_FOUND', 404), gone);
    }
    assert.equal(await offsetOf(store, 'old-finished'), 3);
    assert.equal(await offsetOf(store, 'old-empty'), 0);
    assert.equal(await offsetOf(store, 'fresh'), 0);
    body.end('y');
    assert.deepEqual(await busy, { offset: 2, finished: false });
  });

  test('without expiration the extension is not advertised and nothing expires', async (t) => {
    const { store } = await openStore(t, { expirationMs: 0 });
    assert.equal(store.hasExtension('expiration'), false);
    assert.equal(store.getExpiration(), 0);
    await create(store, 'ancient', 10, { creation_date: new Date(0).toISOString() });
    assert.equal(await store.deleteExpired(), 0);
    assert.equal(await offsetOf(store, 'ancient'), 0);
  });

  test("stats sum the open uploads' aggregators", async (t) => {
    const { store } = await openStore(t);
    assert.deepEqual(store.stats(), { openUploads: 0, queuedItems: 0, bytesQueued: 0, waitingWriters: 0, bytesWaiting: 0 });
    await create(store, 'st1', 6);
    await create(store, 'st2', 6);
    const body = new PassThrough();
    const pending = store.append(body, 'st1', 0, 6);
    body.write('abc');
    await waitFor(async () => (await offsetOf(store, 'st1')) === 3, 'the first chunk');
    await store.append(chunks('ab'), 'st2', 0, 6);
    assert.deepEqual(store.stats(), { openUploads: 2, queuedItems: 0, bytesQueued: 0, waitingWriters: 0, bytesWaiting: 0 });
    body.end('def');
    assert.deepEqual(await pending, { offset: 6, finished: true });
    assert.equal(store.stats().openUploads, 1);
  });

  test('finishedUploads yields the finished uploads only; a damaged one is reported and skipped', async (t) => {
    const directory = await makeTempDir();
    const { store, seen } = await openStore(t, {}, directory);
    await create(store, 'done', 3, { metadata: { schema: 'people' } });
    await store.append(chunks('abc'), 'done', 0, 3);
    await create(store, 'empty', 0);
    await create(store, 'partial', 3, { metadata: { schema: 'people' } });
    await store.append(chunks('ab'), 'partial', 0, 3);
    await create(store, 'deferred', undefined);
    await writeFile(path.join(directory, 'corrupt'), 'x');
    await writeFile(path.join(directory, 'corrupt.json'), '{not json');
    const found: Record<string, unknown>[] = [];
    for await (const upload of store.finishedUploads()) found.push({ id: upload.id, offset: upload.offset, metadata: upload.metadata });
    found.sort((a, b) => String(a.id).localeCompare(String(b.id)));
    assert.deepEqual(found, [
      { id: 'done', offset: 3, metadata: { schema: 'people' } },
      { id: 'empty', offset: 0, metadata: undefined },
    ]);
    assert.deepEqual(seen.errors, []);
    assert.deepEqual(seen.damaged, ['corrupt']);
  });

  test('the data directory is created when missing', async (t) => {
    const directory = path.join(await makeTempDir(), 'a', 'b');
    const { store } = await openStore(t, {}, directory);
    await create(store, 'mk1', 1);
    assert.ok((await stat(directory)).isDirectory());
  });
});
