import type { HeldLock, UploadLocker } from '../uploads/locker.js';

/** What the coherent locker needs of a store: to forget what it holds of an upload (FerryStore.evict). */
export interface EvictingStore {
  evict(id: string): Promise<void>;
}

/**
 * `locker`, with `store`'s memory of an upload kept coherent with the shared directory of a
 * cluster. Whoever takes a lock re-reads the truth: right after acquiring, the upload is
 * evicted (an open writer, a cached info file and offset may be stale: another instance
 * wrote since). On release it is evicted first (bytes written, fsynced, handle closed)
 * before the lock goes, so that the next holder, on any instance, opens the file after
 * this one closed it; the lock is released even if eviction fails. `lost` and `assertHeld`
 * pass through.
 */
export function coherentLocker<L extends UploadLocker>(locker: L, store: EvictingStore): L {
  return {
    ...locker,
    async acquire(id, options) {
      const lock = await locker.acquire(id, options);
      try {
        await store.evict(id);
      } catch (error) {
        await lock.release();
        throw error;
      }
      return coherentLock(lock, () => store.evict(id));
    },
  };
}

function coherentLock(lock: HeldLock, evict: () => Promise<void>): HeldLock {
  let released: Promise<void> | undefined;
  async function releaseAfterEviction(): Promise<void> {
    // A failure is the store's to report (FerryStore.evict tells its observer); release never rejects.
    await Promise.resolve()
      .then(evict)
      .catch(() => undefined);
    await lock.release();
  }
  return {
    lost: lock.lost,
    assertHeld: () => lock.assertHeld(),
    release() {
      released ??= releaseAfterEviction();
      return released;
    },
  };
}
