import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { describe, type TestContext, test } from 'node:test';
import { ANONYMOUS } from '../../src/auth/principal.js';
import { coherentLocker } from '../../src/cluster/coherent-locker.js';
import { isAppError } from '../../src/errors/app-error.js';
import { appError } from '../../src/errors/catalogue.js';
import { FerryStore } from '../../src/store/index.js';
import { bodyLimit } from '../../src/uploads/append.js';
import { createUploadEngine, type UploadEngine } from '../../src/uploads/engine.js';
import { createUploadEvents } from '../../src/uploads/events.js';
import { type UploadLocker, withUploadLock } from '../../src/uploads/locker.js';
import { createMemoryLocker } from '../../src/uploads/memory-locker.js';
import type { WriteFence } from '../../src/uploads/upload-store.js';
import { makeTempDir } from '../support/temp-dir.js';
import { waitFor } from '../support/tus-requests.js';

const HOUR = 60 * 60 * 1000;

/** One "instance" of a cluster: its own store on the shared directory, its own coherent view of the shared locker. */
interface Instance {
  store: FerryStore;
  locker: UploadLocker;
  engine: UploadEngine;
  errors: Error[];
  fsyncs: () => number;
}

function openInstance(t: TestContext, directory: string, shared: UploadLocker): Instance {
  const errors: Error[] = [];
  let fsyncs = 0;
  const store = new FerryStore({
    directory,
    expirationMs: 0,
    syncIntervalMs: HOUR,
    syncAlways: false,
    queueCapacity: 4,
    coalesceBytes: 0,
    idleCloseMs: HOUR,
    observer: { onError: (error) => errors.push(error), onFsync: () => (fsyncs += 1) },
  });
  t.after(() => store.shutdown());
  const locker = coherentLocker(shared, store);
  return { store, locker, engine: createUploadEngine({ store, locker, events: createUploadEvents() }), errors, fsyncs: () => fsyncs };
}

/** Two instances on one data dir, one shared lock service. */
async function openCluster(t: TestContext): Promise<{ directory: string; a: Instance; b: Instance }> {
  const directory = await makeTempDir();
  const shared = createMemoryLocker();
  return { directory, a: openInstance(t, directory, shared), b: openInstance(t, directory, shared) };
}

async function* chunks(...parts: string[]): AsyncGenerator<Uint8Array> {
  for (const part of parts) yield Buffer.from(part);
}

/** A PATCH through `instance`'s engine at the offset it reads under the lock. */
async function patch(instance: Instance, id: string, ...parts: string[]) {
  const request = { signal: new AbortController().signal, principal: ANONYMOUS, body: chunks(...parts) };
  const outcome = await instance.engine.append(request, id, async (upload) => ({
    upload,
    offset: upload.offset,
    maxBytes: bodyLimit(upload.size, upload.offset, 0),
  }));
  return instance.engine.settle(outcome, (upload) => upload);
}

function createdUpload(size?: number) {
  return { id: randomUUID().replaceAll('-', ''), offset: 0, protocol: 'tus' as const, createdAt: new Date().toISOString(), size };
}

/** A fence as a lock's assertHeld: it throws LOCK_LOST once `lose()` was called. */
function losableFence(): { fence: WriteFence; lose: () => void } {
  let held = true;
  return {
    fence: () => {
      if (!held) throw appError('LOCK_LOST');
    },
    lose: () => {
      held = false;
    },
  };
}

const isLockLost = (error: unknown) => isAppError(error, 'LOCK_LOST');

describe('two FerryStore instances on one data dir, each behind coherentLocker over one lock service', () => {
  test('PATCHes alternating between the instances build the file byte for byte', async (t) => {
    const { directory, a, b } = await openCluster(t);
    const upload = createdUpload(60);
    await a.engine.create(upload);
    const pieces = ['0123456789', 'abcdefghij', 'ABCDEFGHIJ', 'klmnopqrst', 'KLMNOPQRST', 'uvwxyz!?+-'];
    let expected = '';
    for (const [index, piece] of pieces.entries()) {
      const written = await patch(index % 2 === 0 ? a : b, upload.id, piece.slice(0, 4), piece.slice(4));
      expected += piece;
      assert.equal(written.offset, expected.length, `PATCH ${index + 1} reports the shared offset`);
    }
    assert.equal(await readFile(path.join(directory, upload.id), 'utf8'), expected);
    for (const instance of [a, b]) {
      assert.equal((await instance.store.readUpload(upload.id)).offset, 60);
      assert.equal(instance.store.stats().openUploads, 0, 'no writer is left open after a release');
    }
  });

  test('a length declared through one instance is seen by the other once it takes the lock', async (t) => {
    const { a, b } = await openCluster(t);
    const upload = createdUpload();
    await a.engine.create(upload);
    const request = { signal: new AbortController().signal, principal: ANONYMOUS };
    // B reads (and caches) the upload while its length is still deferred.
    assert.equal((await b.engine.readLocked(upload.id, request)).size, undefined);
    await withUploadLock(a.locker, upload.id, {}, () => a.store.declareUploadLength(upload.id, 20));
    assert.equal((await b.engine.readLocked(upload.id, request)).size, 20);
    await patch(b, upload.id, 'twenty bytes exactly');
    assert.deepEqual(await a.engine.readLocked(upload.id, request), { ...(await b.store.readUpload(upload.id)), offset: 20, size: 20 });
  });

  test('a fence that throws mid-append: nothing more is written, the bytes another instance wrote there survive, LOCK_LOST', async (t) => {
    const { directory, a, b } = await openCluster(t);
    const upload = createdUpload(40);
    await a.engine.create(upload);
    const dataFile = path.join(directory, upload.id);
    const { fence, lose } = losableFence();
    let resume!: () => void;
    const resumed = new Promise<void>((resolve) => (resume = resolve));
    async function* pausedBody(): AsyncGenerator<Uint8Array> {
      yield Buffer.alloc(10, 'a');
      await resumed;
      // After the loss: the first is refused by the fence, the rest are dropped unwritten.
      yield Buffer.alloc(10, 'A');
      yield Buffer.alloc(5, 'A');
      yield Buffer.alloc(5, 'A');
    }
    const appending = a.store.append(pausedBody(), upload.id, 0, 40, fence);
    await waitFor('the first 10 bytes to reach the file', async () => (await stat(dataFile)).size === 10);

    // A's lease runs out; B takes the lock and appends at the same range.
    lose();
    await withUploadLock(b.locker, upload.id, {}, (lock) => b.store.append(chunks('b'.repeat(10)), upload.id, 10, 40, () => lock.assertHeld()));
    resume();

    await assert.rejects(appending, isLockLost);
    assert.equal(await readFile(dataFile, 'utf8'), `${'a'.repeat(10)}${'b'.repeat(10)}`, "B's bytes are neither overwritten nor cut off");
    assert.equal(a.store.stats().openUploads, 0, "A's lost writer is closed");
    assert.deepEqual(
      a.errors.filter((error) => !isLockLost(error) && !isLockLost(error.cause)),
      [],
    );

    // A's next user opens the file afresh and carries on at the true offset.
    assert.equal((await patch(a, upload.id, 'c'.repeat(20))).offset, 40);
    assert.equal(await readFile(dataFile, 'utf8'), `${'a'.repeat(10)}${'b'.repeat(10)}${'c'.repeat(20)}`);
  });

  test('a rollback or a removal whose fence throws leaves the files as they are', async (t) => {
    const { directory, a } = await openCluster(t);
    const upload = createdUpload(40);
    await a.engine.create(upload);
    await patch(a, upload.id, 'x'.repeat(16));
    const { fence, lose } = losableFence();
    lose();
    await assert.rejects(a.store.rollback(upload.id, 0, fence), isLockLost);
    assert.equal((await stat(path.join(directory, upload.id))).size, 16);
    assert.equal(a.store.stats().openUploads, 0);
    await assert.rejects(a.store.remove(upload.id, fence), isLockLost);
    assert.equal((await a.store.readUpload(upload.id)).offset, 16, 'both files are still there');
  });

  test('evict fsyncs and closes an open writer, and resolves for a missing upload', async (t) => {
    const { directory, a } = await openCluster(t);
    const upload = createdUpload(40);
    await a.store.createUpload(upload);
    await a.store.append(chunks('y'.repeat(8)), upload.id, 0, 40);
    assert.equal(a.store.stats().openUploads, 1);
    const fsyncsBefore = a.fsyncs();
    await a.store.evict(upload.id);
    assert.equal(a.store.stats().openUploads, 0);
    assert.equal(a.fsyncs(), fsyncsBefore + 1, 'the bytes are fsynced before the handle closes');
    assert.equal((await stat(path.join(directory, upload.id))).size, 8);
    await a.store.evict('nosuchupload');
    await a.store.evict(upload.id);
  });
});
