export interface LockOptions {
  /** The request's abort signal: a waiter whose client went away leaves the queue (UPLOAD_LOCKED). */
  signal?: AbortSignal;
  /**
   * Called while this request holds the lock, once for each request that arrives wanting it
   * (and once on hand-over if others are already queued): the holder may be a stalled client.
   * A cluster's locker calls it for requests on other instances too.
   */
  onReleaseRequested?: () => void;
}

/**
 * A lock being held. In one process it cannot be lost; a cluster's lock is a lease that a
 * paused process or an unreachable Redis can lose, and then the holder must stop writing.
 */
export interface HeldLock {
  /** Aborts (reason LOCK_LOST) once the lock may no longer be held: stop reading and writing. */
  readonly lost: AbortSignal;
  /** Throws LOCK_LOST once the lock may no longer be held; the store calls it right before each write. */
  assertHeld(): void;
  /** Gives the lock back; the next waiter gets it. Idempotent, and never rejects. */
  release(): Promise<void>;
}

/**
 * One upload, one request at a time, whatever the protocol. Narrow on purpose, so a
 * cluster can put a Redis lock behind it.
 */
export interface UploadLocker {
  /**
   * Resolves once the lock on `id` is held; UPLOAD_LOCKED when the wait is bounded out or
   * aborted; REDIS_UNAVAILABLE when a cluster's lock service cannot be reached.
   */
  acquire(id: string, options?: LockOptions): Promise<HeldLock>;
}

/** A locker that tells what it holds and who waits in this process (tests, metrics). */
export interface CountingLocker extends UploadLocker {
  /** How many uploads this process holds locks on. */
  held(): number;
  /** How many requests of this process wait for the lock on `id`. */
  waiting(id: string): number;
}

/** Runs `work` holding the lock on upload `id`, and releases it however `work` ends. */
export async function withUploadLock<T>(locker: UploadLocker, id: string, options: LockOptions, work: (lock: HeldLock) => Promise<T>): Promise<T> {
  const lock = await locker.acquire(id, options);
  try {
    return await work(lock);
  } finally {
    await lock.release();
  }
}

const NEVER_LOST = new AbortController().signal;

/** A held lock that cannot be lost (one process), released by `release`. */
export function unlosableLock(release: () => void): HeldLock {
  return {
    lost: NEVER_LOST,
    assertHeld: () => undefined,
    async release() {
      release();
    },
  };
}
