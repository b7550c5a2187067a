import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, type TestContext, test } from 'node:test';
import { ANONYMOUS } from '../../src/auth/principal.js';
import { isAppError } from '../../src/errors/app-error.js';
import { appError } from '../../src/errors/catalogue.js';
import { FerryStore } from '../../src/store/index.js';
import { bodyLimit } from '../../src/uploads/append.js';
import { createUploadEngine } from '../../src/uploads/engine.js';
import { createUploadEvents } from '../../src/uploads/events.js';
import type { HeldLock, UploadLocker } from '../../src/uploads/locker.js';
import { makeTempDir } from '../support/temp-dir.js';
import { waitFor } from '../support/tus-requests.js';

const HOUR = 60 * 60 * 1000;

/** The lock a test can take away: `expire` makes assertHeld throw (a lease run out), `lose` also fires `lost`. */
interface LosableLock extends HeldLock {
  expire(): void;
  lose(): void;
}

function losableLock(): LosableLock {
  const lost = new AbortController();
  let held = true;
  return {
    lost: lost.signal,
    assertHeld() {
      if (!held) throw appError('LOCK_LOST');
    },
    async release() {
      held = false;
    },
    expire() {
      held = false;
    },
    lose() {
      held = false;
      lost.abort(appError('LOCK_LOST'));
    },
  };
}

/** Hands out losable locks (no mutual exclusion: one request at a time in these tests); `last` is the newest. */
function losableLocker(): UploadLocker & { last: () => LosableLock } {
  let last: LosableLock | undefined;
  return {
    async acquire() {
      last = losableLock();
      return last;
    },
    last: () => last!,
  };
}

async function setUp(t: TestContext) {
  const directory = await makeTempDir();
  const store = new FerryStore({ directory, expirationMs: 0, syncIntervalMs: HOUR, syncAlways: false, queueCapacity: 4, coalesceBytes: 0, idleCloseMs: HOUR });
  t.after(() => store.shutdown());
  const locker = losableLocker();
  const engine = createUploadEngine({ store, locker, events: createUploadEvents() });
  const upload = { id: randomUUID().replaceAll('-', ''), offset: 0, protocol: 'tus' as const, createdAt: new Date().toISOString(), size: 1024 };
  await engine.create(upload);
  const body = new PassThrough();
  const outcome = engine.append({ signal: new AbortController().signal, principal: ANONYMOUS, body }, upload.id, async (current) => ({
    upload: current,
    offset: current.offset,
    maxBytes: bodyLimit(current.size, current.offset, 0),
  }));
  const fileSize = async () => (await stat(path.join(directory, upload.id))).size;
  // The body's first 100 bytes are stored under the lock.
  body.write(Buffer.alloc(100, 1));
  await waitFor('the first 100 bytes to reach the file', async () => (await fileSize()) === 100);
  return { store, locker, engine, upload, body, outcome, fileSize };
}

describe('a PATCH whose lock is lost mid-body', () => {
  test('lost fires: the body stops, the request fails with LOCK_LOST (503) and keeps what arrived before', async (t) => {
    const { store, locker, engine, upload, body, outcome, fileSize } = await setUp(t);
    locker.last().lose();
    body.write(Buffer.alloc(100, 2));
    const settled = await outcome;
    await assert.rejects(
      engine.settle(settled, () => undefined),
      (error) => isAppError(error, 'LOCK_LOST') && error.status === 503,
    );
    assert.equal(settled.finishedNow, false);
    assert.equal(await fileSize(), 100);
    assert.equal((await store.readUpload(upload.id)).offset, 100);
  });

  test('the lease runs out before lost fires: the fence refuses the next write, LOCK_LOST, never UPLOAD_STORE_FAILED', async (t) => {
    const { store, locker, engine, upload, body, outcome, fileSize } = await setUp(t);
    locker.last().expire();
    body.end(Buffer.alloc(100, 2));
    const settled = await outcome;
    await assert.rejects(
      engine.settle(settled, () => undefined),
      (error) => isAppError(error, 'LOCK_LOST'),
    );
    assert.equal(await fileSize(), 100);
    assert.equal(store.stats().openUploads, 0, 'the lost writer is closed');
    assert.equal((await store.readUpload(upload.id)).offset, 100);
  });
});
