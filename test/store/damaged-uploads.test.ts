import assert from 'node:assert/strict';
import { access, readdir, readFile, symlink, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, type TestContext, test } from 'node:test';
import { isAppError } from '../../src/errors/app-error.js';
import { concatenateFiles } from '../../src/store/concatenate.js';
import { FerryStore } from '../../src/store/index.js';
import type { DamagedUploadReport } from '../../src/store/types.js';
import { makeTempDir } from '../support/temp-dir.js';

const HOUR = 60 * 60 * 1000;
const LONG_AGO = '2020-01-01T00:00:00.000Z';

/** A store on a fresh data dir (or `directory`), with what it told its observer. */
async function openStore(t: TestContext, directory?: string, expirationMs = 0) {
  const dataDir = directory ?? (await makeTempDir());
  const reports: DamagedUploadReport[] = [];
  const errors: Error[] = [];
  const store = new FerryStore({
    directory: dataDir,
    expirationMs,
    syncIntervalMs: HOUR,
    syncAlways: false,
    queueCapacity: 4,
    coalesceBytes: 64 * 1024,
    idleCloseMs: HOUR,
    observer: { onError: (error) => errors.push(error), onUploadDamaged: (report) => reports.push(report) },
  });
  t.after(() => store.shutdown());
  return { store, dataDir, reports, errors };
}

async function* chunks(...parts: string[]): AsyncGenerator<Uint8Array> {
  for (const part of parts) yield Buffer.from(part);
}

function hasCode(code: string, status: number) {
  return (error: unknown) => {
    assert.ok(isAppError(error, code), `expected ${code}, got ${String(error)}`);
    assert.equal(error.status, status);
    return true;
  };
}

async function exists(file: string): Promise<boolean> {
  return access(file).then(
    () => true,
    () => false,
  );
}

/** Writes an upload's files straight into the data dir, as a crash or an intruder would leave them. */
async function plant(dataDir: string, id: string, info: string, data = 'abc'): Promise<void> {
  await writeFile(path.join(dataDir, id), data);
  await writeFile(path.join(dataDir, `${id}.json`), info);
}

function infoOf(id: string, size = 3, creationDate = new Date().toISOString()): string {
  return JSON.stringify({ id, size, creation_date: creationDate });
}

describe('FerryStore: a damaged info file', () => {
  const damages: [string, (id: string) => string][] = [
    ['empty', () => ''],
    ['truncated', (id) => infoOf(id).slice(0, 20)],
    ['garbage', () => '\u0000\u0000\u0000\u0000'],
    ['another upload’s', () => infoOf('someone-else')],
    ['a negative size', (id) => JSON.stringify({ id, size: -1, creation_date: LONG_AGO })],
  ];
  for (const [what, content] of damages) {
    test(`${what}: every operation is UPLOAD_INFO_DAMAGED (410), told to the observer once`, async (t) => {
      const { store, dataDir, reports, errors } = await openStore(t);
      await plant(dataDir, 'd1', content('d1'));
      await assert.rejects(store.readUpload('d1'), hasCode('UPLOAD_INFO_DAMAGED', 410));
      await assert.rejects(store.getUpload('d1'), hasCode('UPLOAD_INFO_DAMAGED', 410));
      await assert.rejects(store.append(chunks('x'), 'd1', 3, 10), hasCode('UPLOAD_INFO_DAMAGED', 410));
      await assert.rejects(store.openDownload('d1'), hasCode('UPLOAD_INFO_DAMAGED', 410));
      await assert.rejects(store.declareUploadLength('d1', 3), hasCode('UPLOAD_INFO_DAMAGED', 410));
      assert.deepEqual(
        reports.map(({ uploadId, error, firstMet, quarantinedTo }) => ({ uploadId, code: error.code, firstMet, quarantinedTo })),
        [{ uploadId: 'd1', code: 'UPLOAD_INFO_DAMAGED', firstMet: true, quarantinedTo: undefined }],
      );
      assert.deepEqual(errors, []);
      assert.equal(await readFile(path.join(dataDir, 'd1'), 'utf8'), 'abc');
    });
  }

  test('remove deletes both files', async (t) => {
    const { store, dataDir } = await openStore(t);
    await plant(dataDir, 'd2', '{"id":"d2","si');
    await store.remove('d2');
    assert.deepEqual(await readdir(dataDir), []);
    await assert.rejects(store.readUpload('d2'), hasCode('UPLOAD_NOT_FOUND', 404));
  });

  test('an info file far larger than any ferry writes is damaged, and not read into memory', async (t) => {
    const { store, dataDir } = await openStore(t);
    await plant(dataDir, 'd3', `{"id":"d3","creation_date":"${LONG_AGO}","pad":"${'x'.repeat(2 * 1024 * 1024)}"}`);
    await assert.rejects(store.readUpload('d3'), hasCode('UPLOAD_INFO_DAMAGED', 410));
  });

  test('the expiry sweep quarantines it once, with one report; later sweeps do not meet it', async (t) => {
    const { store, dataDir, reports, errors } = await openStore(t, undefined, HOUR);
    await plant(dataDir, 'd4', '');
    await plant(dataDir, 'fine', infoOf('fine', 10));
    assert.equal(await store.deleteExpired(), 0);
    const quarantine = path.join(dataDir, 'quarantine');
    assert.deepEqual((await readdir(quarantine)).sort(), ['d4', 'd4.json']);
    assert.equal(await readFile(path.join(quarantine, 'd4'), 'utf8'), 'abc');
    assert.deepEqual((await readdir(dataDir)).sort(), ['fine', 'fine.json', 'quarantine']);
    assert.equal(await store.deleteExpired(), 0);
    assert.equal(await store.deleteExpired(), 0);
    assert.deepEqual(
      reports.map(({ uploadId, firstMet, quarantinedTo }) => ({ uploadId, firstMet, quarantinedTo })),
      [{ uploadId: 'd4', firstMet: true, quarantinedTo: quarantine }],
    );
    assert.deepEqual(errors, []);
    await assert.rejects(store.readUpload('d4'), hasCode('UPLOAD_NOT_FOUND', 404));
  });

  test('one met by a request first is reported again (not counted again) when the sweep quarantines it', async (t) => {
    const { store, dataDir, reports } = await openStore(t, undefined, HOUR);
    await plant(dataDir, 'd5', 'garbage');
    await assert.rejects(store.readUpload('d5'), hasCode('UPLOAD_INFO_DAMAGED', 410));
    await store.deleteExpired();
    assert.deepEqual(
      reports.map(({ firstMet, quarantinedTo }) => ({ firstMet, quarantined: quarantinedTo !== undefined })),
      [
        { firstMet: true, quarantined: false },
        { firstMet: false, quarantined: true },
      ],
    );
  });

  test('the import scan (finishedUploads) and final recovery skip it, reporting it once', async (t) => {
    const { store, dataDir, reports, errors } = await openStore(t);
    await plant(dataDir, 'd6', '{');
    await plant(dataDir, 'ok', infoOf('ok'));
    const found: string[] = [];
    for await (const upload of store.finishedUploads()) found.push(upload.id);
    assert.deepEqual(found, ['ok']);
    assert.deepEqual(await store.recoverFinals(), []);
    for await (const upload of store.finishedUploads()) assert.equal(upload.id, 'ok');
    assert.deepEqual(
      reports.map((report) => report.uploadId),
      ['d6'],
    );
    assert.deepEqual(errors, []);
  });
});

describe('FerryStore: symlinks are never followed', () => {
  async function outsideFile(content: string): Promise<string> {
    const file = path.join(await makeTempDir(), 'outside');
    await writeFile(file, content);
    return file;
  }

  test('a data file that is a symlink: read, append, download and length are UPLOAD_FILE_UNSAFE; the outside file is untouched', async (t) => {
    const { store, dataDir, reports } = await openStore(t);
    const outside = await outsideFile('secret');
    await writeFile(path.join(dataDir, 's1.json'), infoOf('s1', 6));
    await symlink(outside, path.join(dataDir, 's1'));
    await assert.rejects(store.readUpload('s1'), hasCode('UPLOAD_FILE_UNSAFE', 410));
    await assert.rejects(store.openDownload('s1'), hasCode('UPLOAD_FILE_UNSAFE', 410));
    await assert.rejects(store.append(chunks('evil'), 's1', 6, 10), hasCode('UPLOAD_FILE_UNSAFE', 410));
    await assert.rejects(store.declareUploadLength('s1', 6), hasCode('UPLOAD_FILE_UNSAFE', 410));
    assert.equal(await readFile(outside, 'utf8'), 'secret');
    assert.deepEqual(
      reports.map(({ uploadId, error }) => [uploadId, error.code]),
      [['s1', 'UPLOAD_FILE_UNSAFE']],
    );
    await store.remove('s1');
    assert.deepEqual(await readdir(dataDir), []);
    assert.equal(await readFile(outside, 'utf8'), 'secret');
  });

  test('an info file that is a symlink is UPLOAD_FILE_UNSAFE, even to a valid info file', async (t) => {
    const { store, dataDir } = await openStore(t);
    const outsideInfo = infoOf('s2');
    const outside = await outsideFile(outsideInfo);
    await writeFile(path.join(dataDir, 's2'), 'abc');
    await symlink(outside, path.join(dataDir, 's2.json'));
    await assert.rejects(store.readUpload('s2'), hasCode('UPLOAD_FILE_UNSAFE', 410));
    await assert.rejects(store.append(chunks('x'), 's2', 3, 10), hasCode('UPLOAD_FILE_UNSAFE', 410));
    await store.remove('s2');
    assert.deepEqual(await readdir(dataDir), []);
    assert.equal(await readFile(outside, 'utf8'), outsideInfo);
  });

  test('the expiry sweep quarantines the symlink itself, not what it points to', async (t) => {
    const { store, dataDir } = await openStore(t, undefined, HOUR);
    const outside = await outsideFile('secret');
    await writeFile(path.join(dataDir, 's3.json'), infoOf('s3', 6, LONG_AGO));
    await symlink(outside, path.join(dataDir, 's3'));
    assert.equal(await store.deleteExpired(), 0);
    assert.deepEqual((await readdir(path.join(dataDir, 'quarantine'))).sort(), ['s3', 's3.json']);
    assert.equal(await readFile(outside, 'utf8'), 'secret');
  });

  test('a finished partial upload whose data file became a symlink (same size) is not concatenated', async (t) => {
    const { store, dataDir } = await openStore(t);
    const outside = await outsideFile('secret');
    const createdAt = new Date().toISOString();
    await store.createUpload({ id: 'p1', offset: 0, size: 3, protocol: 'tus', createdAt, concat: { kind: 'partial' } });
    await store.createUpload({ id: 'p2', offset: 0, size: 6, protocol: 'tus', createdAt, concat: { kind: 'partial' } });
    await store.append(chunks('abc'), 'p1', 0, 3);
    await store.append(chunks('defghi'), 'p2', 0, 6);
    await store.createUpload({
      id: 'f1',
      offset: 0,
      protocol: 'tus',
      createdAt,
      concat: { kind: 'final', partIds: ['p1', 'p2'], header: 'final;/files/p1 /files/p2' },
    });
    await unlink(path.join(dataDir, 'p2'));
    await symlink(outside, path.join(dataDir, 'p2'));
    await assert.rejects(store.assembleFinal('f1'), hasCode('UPLOAD_FILE_UNSAFE', 410));
    assert.equal(await readFile(path.join(dataDir, 'f1'), 'utf8'), '');
    assert.equal(await exists(path.join(dataDir, 'f1.assembling')), false);
    assert.equal(await readFile(outside, 'utf8'), 'secret');
  });
});

describe('concatenateFiles: no symlink is followed', () => {
  test('a part that is a symlink is refused, and nothing is left behind', async () => {
    const dataDir = await makeTempDir();
    const outside = path.join(await makeTempDir(), 'outside');
    await writeFile(outside, 'secret');
    await writeFile(path.join(dataDir, 'a'), 'abc');
    await symlink(outside, path.join(dataDir, 'b'));
    await writeFile(path.join(dataDir, 'final'), '');
    const parts = [
      { id: 'a', file: path.join(dataDir, 'a'), size: 3 },
      { id: 'b', file: path.join(dataDir, 'b'), size: 6 },
    ];
    await assert.rejects(concatenateFiles(path.join(dataDir, 'final'), parts), hasCode('UPLOAD_FILE_UNSAFE', 410));
    assert.deepEqual((await readdir(dataDir)).sort(), ['a', 'b', 'final']);
    assert.equal(await readFile(path.join(dataDir, 'final'), 'utf8'), '');
  });

  test('a symlink planted as the assembly file is replaced, never written through', async () => {
    const dataDir = await makeTempDir();
    const outside = path.join(await makeTempDir(), 'outside');
    await writeFile(outside, 'secret');
    await writeFile(path.join(dataDir, 'a'), 'abc');
    await writeFile(path.join(dataDir, 'b'), 'def');
    await writeFile(path.join(dataDir, 'final'), '');
    await symlink(outside, path.join(dataDir, 'final.assembling'));
    const parts = [
      { id: 'a', file: path.join(dataDir, 'a'), size: 3 },
      { id: 'b', file: path.join(dataDir, 'b'), size: 3 },
    ];
    await concatenateFiles(path.join(dataDir, 'final'), parts);
    assert.equal(await readFile(path.join(dataDir, 'final'), 'utf8'), 'abcdef');
    assert.equal(await readFile(outside, 'utf8'), 'secret');
  });
});
