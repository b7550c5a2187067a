import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { isAppError } from '../../src/errors/app-error.js';
import { withUploadLock } from '../../src/uploads/locker.js';
import { createMemoryLocker } from '../../src/uploads/memory-locker.js';
import { toTusLocker } from '../../src/uploads/tus-locker.js';

/** Lets every pending promise callback and immediate run, `turns` times over. */
async function settle(turns = 10): Promise<void> {
  for (let turn = 0; turn < turns; turn += 1) await nextTurn();
}

const isLocked = (error: unknown) => isAppError(error, 'UPLOAD_LOCKED') && error.status === 423;

describe('memory locker', () => {
  it('hands the lock over first come, first served', async () => {
    const locker = createMemoryLocker();
    const order: number[] = [];
    const lock = await locker.acquire('u');
    const waiters = [1, 2, 3, 4].map((number) =>
      locker.acquire('u').then((lockNext) => {
        order.push(number);
        lockNext.release();
      }),
    );
    assert.equal(locker.waiting('u'), 4);
    lock.release();
    await Promise.all(waiters);
    assert.deepEqual(order, [1, 2, 3, 4]);
    assert.equal(locker.held(), 0);
  });

  it('locks each upload on its own', async () => {
    const locker = createMemoryLocker();
    const lockA = await locker.acquire('a');
    const lockB = await locker.acquire('b');
    assert.equal(locker.held(), 2);
    lockA.release();
    lockB.release();
    assert.equal(locker.held(), 0);
  });

  it('tells the holder once per arriving waiter, and the next holder at once when others still wait', async () => {
    const locker = createMemoryLocker();
    let holderAsked = 0;
    let secondAsked = 0;
    const lock = await locker.acquire('u', {
      onReleaseRequested: () => {
        holderAsked += 1;
      },
    });
    const second = locker.acquire('u', {
      onReleaseRequested: () => {
        secondAsked += 1;
      },
    });
    const third = locker.acquire('u');
    await settle(50);
    assert.equal(holderAsked, 2, 'one request per arrival, never repeated while they wait');
    lock.release();
    const lockSecond = await second;
    assert.equal(secondAsked, 1, 'the third still waits');
    lockSecond.release();
    await (await third).release();
  });

  it('an aborted waiter leaves the queue with UPLOAD_LOCKED; the others keep their places', async () => {
    const locker = createMemoryLocker();
    const lock = await locker.acquire('u');
    const controller = new AbortController();
    const gone = locker.acquire('u', { signal: controller.signal });
    const staying = locker.acquire('u');
    assert.equal(locker.waiting('u'), 2);
    controller.abort();
    await assert.rejects(gone, isLocked);
    assert.equal(locker.waiting('u'), 1);
    lock.release();
    await (await staying).release();
    assert.equal(locker.held(), 0);
  });

  it('a wait is bounded: UPLOAD_LOCKED once acquireTimeoutMs has passed', async () => {
    const locker = createMemoryLocker({ acquireTimeoutMs: 20 });
    const lock = await locker.acquire('u');
    await assert.rejects(locker.acquire('u'), isLocked);
    assert.equal(locker.waiting('u'), 0);
    lock.release();
  });

  it('waiters sleep: no immediates and one timer per waiter (its bound), however long they wait', async (t) => {
    const locker = createMemoryLocker();
    const lock = await locker.acquire('u');
    const immediates = t.mock.method(globalThis, 'setImmediate');
    const timers = t.mock.method(globalThis, 'setTimeout');
    const waiters = Array.from({ length: 20 }, () => locker.acquire('u').then((lockNext) => lockNext.release()));
    const afterQueueing = { immediates: immediates.mock.callCount(), timers: timers.mock.callCount() };
    t.mock.restoreAll();
    assert.deepEqual(afterQueueing, { immediates: 0, timers: 20 });
    const immediatesWhileWaiting = t.mock.method(globalThis, 'setImmediate');
    await new Promise((resolve) => setTimeout(resolve, 0)); // one macrotask turn, without counting our own immediate
    assert.equal(immediatesWhileWaiting.mock.callCount(), 0);
    t.mock.restoreAll();
    lock.release();
    await Promise.all(waiters);
  });

  it('withUploadLock releases the lock when the work throws', async () => {
    const locker = createMemoryLocker();
    await assert.rejects(
      withUploadLock(locker, 'u', {}, async () => {
        throw new Error('boom');
      }),
      /boom/,
    );
    assert.equal(locker.held(), 0);
  });

  it("serves as @tus/utils' Locker: lock, requestRelease for a waiter, unlock", async () => {
    const locker = createMemoryLocker();
    const tusLocker = toTusLocker(locker);
    const first = tusLocker.newLock('u');
    let asked = 0;
    await first.lock(new AbortController().signal, () => {
      asked += 1;
    });
    const second = tusLocker.newLock('u');
    const secondLocked = second.lock(new AbortController().signal, () => undefined);
    await settle();
    assert.equal(asked, 1);
    await first.unlock();
    await secondLocked;
    await second.unlock();
    assert.equal(locker.held(), 0);
  });
});
