import type { Lock, Locker, RequestRelease } from '@tus/utils';
import type { HeldLock, UploadLocker } from './locker.js';

/**
 * An UploadLocker as @tus/utils' `Locker`, so a stock @tus/server shares ferry's locks.
 * Its `requestRelease` is the holder's release-request callback.
 */
export function toTusLocker(locker: UploadLocker): Locker {
  return {
    newLock(id: string): Lock {
      let held: HeldLock | undefined;
      return {
        async lock(signal: AbortSignal, requestRelease: RequestRelease) {
          held = await locker.acquire(id, { signal, onReleaseRequested: () => void requestRelease() });
        },
        async unlock() {
          const releasing = held;
          held = undefined;
          await releasing?.release();
        },
      };
    },
  };
}
