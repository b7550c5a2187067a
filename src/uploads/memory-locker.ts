import { appError } from '../errors/catalogue.js';
import { type CountingLocker, type HeldLock, type LockOptions, unlosableLock } from './locker.js';

export interface MemoryLockerOptions {
  /** How long a request waits for a lock before UPLOAD_LOCKED. */
  acquireTimeoutMs?: number;
}

export type MemoryLocker = CountingLocker;

interface Waiter {
  grant: () => void;
  onReleaseRequested: (() => void) | undefined;
}

interface LockState {
  /** The holder's release-request callback. */
  onReleaseRequested: (() => void) | undefined;
  /** First come, first served. */
  queue: Waiter[];
}

/**
 * The in-process locker. A waiter sleeps on a promise until the holder releases (no
 * polling, no retry loop): release hands the lock to the first waiter directly. Each new
 * waiter tells the holder once that someone wants the lock.
 */
export function createMemoryLocker({ acquireTimeoutMs = 30_000 }: MemoryLockerOptions = {}): MemoryLocker {
  const locks = new Map<string, LockState>();

  function heldLockOf(id: string, state: LockState): HeldLock {
    let released = false;
    return unlosableLock(function releaseLock() {
      if (released) return;
      released = true;
      const next = state.queue.shift();
      if (next === undefined) {
        locks.delete(id);
        return;
      }
      state.onReleaseRequested = next.onReleaseRequested;
      next.grant();
      // Others still queued want it too: the new holder hears it at once.
      if (state.queue.length > 0) state.onReleaseRequested?.();
    });
  }

  return {
    acquire(id, { signal, onReleaseRequested }: LockOptions = {}) {
      const state = locks.get(id);
      if (state === undefined) {
        const fresh: LockState = { onReleaseRequested, queue: [] };
        locks.set(id, fresh);
        return Promise.resolve(heldLockOf(id, fresh));
      }
      return new Promise<HeldLock>((resolve, reject) => {
        const leave = (): void => {
          const index = state.queue.indexOf(waiter);
          if (index !== -1) state.queue.splice(index, 1);
          clearTimeout(timer);
          signal?.removeEventListener('abort', onAbort);
          reject(appError('UPLOAD_LOCKED'));
        };
        const onAbort = (): void => leave();
        const waiter: Waiter = {
          onReleaseRequested,
          grant() {
            clearTimeout(timer);
            signal?.removeEventListener('abort', onAbort);
            resolve(heldLockOf(id, state));
          },
        };
        const timer = setTimeout(leave, acquireTimeoutMs);
        signal?.addEventListener('abort', onAbort, { once: true });
        state.queue.push(waiter);
        state.onReleaseRequested?.();
      });
    },
    waiting: (id) => locks.get(id)?.queue.length ?? 0,
    held: () => locks.size,
  };
}
