export interface LockOptions {
  /** The request's abort signal: a waiter whose client went away leaves the queue (UPLOAD_LOCKED). */
  signal?: AbortSignal;
  /**
   * Called while this request holds the lock, once for each request that arrives wanting it
   * (and once on hand-over if others are already queued): the holder may be a stalled client.
   */
  onReleaseRequested?: () => void;
}

/** Gives the lock back; the next waiter (first come, first served) gets it. Idempotent. */
export type ReleaseLock = () => void;

/**
 * One upload, one request at a time, whatever the protocol. Narrow on purpose, so a
 * cluster can put a Redis lock behind it.
 */
export interface UploadLocker {
  /** Resolves once the lock on `id` is held; UPLOAD_LOCKED when the wait is bounded out or aborted. */
  acquire(id: string, options?: LockOptions): Promise<ReleaseLock>;
}

/** Runs `work` holding the lock on upload `id`, and releases it however `work` ends. */
export async function withUploadLock<T>(locker: UploadLocker, id: string, options: LockOptions, work: () => Promise<T>): Promise<T> {
  const release = await locker.acquire(id, options);
  try {
    return await work();
  } finally {
    release();
  }
}
