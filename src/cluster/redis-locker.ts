import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { AppError } from '../errors/app-error.js';
import { appError } from '../errors/catalogue.js';
import type { CountingLocker, HeldLock, LockOptions } from '../uploads/locker.js';
import { REDIS_RETRY_AFTER_SECONDS } from './redis-connection.js';
import { deleteIfHeld, holdLease, type Lease } from './redis-lease.js';

/** Where lock metrics go. */
export interface RedisLockerObserver {
  /** A lock was taken, after waiting `seconds` (about 0 when it was free). */
  onAcquired?(seconds: number): void;
  /** The lock on upload `id` was lost while held (lease ran out, or another holder's token found). */
  onLost?(id: string): void;
}

export interface RedisLockerOptions {
  /** Command connection (connectRedis). */
  redis: Redis;
  /** A second connection, used by this locker only, for pub/sub (connectRedis). */
  subscriber: Redis;
  /** Prefix of every key and channel, e.g. `ferry:`. */
  keyPrefix: string;
  /** A lock's lease: it expires this long after its last renewal. */
  leaseMs: number;
  /** How long a request waits for a lock before UPLOAD_LOCKED. */
  waitMs: number;
  /** This instance's name, the first part of each lock's token (who holds a lock is readable in Redis). */
  instanceId: string;
  observer?: RedisLockerObserver;
  /** A monotonic clock in ms; injectable so a test can simulate a paused process. */
  now?: () => number;
  /** How often a waiter tries again without a release message (a lease can expire silently). */
  pollMs?: number;
}

export interface RedisLocker extends CountingLocker {
  /** Gives up the locks it holds (their `lost` aborts), turns waiters away, unsubscribes. Leaves the connections open. */
  close(): Promise<void>;
}

/** A held lock as the locker tracks it: who to ask to let go, and how to revoke it. */
interface Holding {
  lease: Lease;
  onReleaseRequested: (() => void) | undefined;
}

function unavailable(cause?: unknown): AppError {
  return appError('REDIS_UNAVAILABLE', { cause, details: { retryAfter: REDIS_RETRY_AFTER_SECONDS } });
}

/**
 * Upload locks across instances in Redis: `SET <prefix>lock:<id> <instance>/<random> NX PX
 * lease`, held as a renewed lease (redis-lease.ts). A request finding the lock taken publishes
 * a release request, which the holder, on whatever instance, hears as `onReleaseRequested`;
 * it then waits for the holder's "released" message, trying again on a poll timer too, for
 * at most `waitMs`. Redis out of reach makes acquire fail at once with REDIS_UNAVAILABLE;
 * the connections reconnect by themselves, so locking resumes when Redis does.
 */
export function createRedisLocker({
  redis,
  subscriber,
  keyPrefix,
  leaseMs,
  waitMs,
  instanceId,
  observer,
  now = () => performance.now(),
  pollMs = 200,
}: RedisLockerOptions): RedisLocker {
  const requestChannel = `${keyPrefix}lock-release-request`;
  const releasedChannel = `${keyPrefix}lock-released`;
  const holdings = new Map<string, Holding>();
  /** Per upload id, the waiters' wake-up calls for its "released" message. */
  const wakers = new Map<string, Set<() => void>>();
  /** Every waiter's way out, for close. */
  const waiters = new Set<(error: AppError) => void>();
  let closed = false;

  const keyOf = (id: string): string => `${keyPrefix}lock:${id}`;
  const newToken = (): string => `${instanceId}/${randomBytes(12).toString('base64url')}`;

  function onMessage(channel: string, id: string): void {
    if (channel === requestChannel) holdings.get(id)?.onReleaseRequested?.();
    else if (channel === releasedChannel) for (const wake of wakers.get(id) ?? []) wake();
  }

  /** Subscribes on every (re)connection: ioredis resubscribes by itself, but only to channels it once confirmed. */
  function subscribe(): void {
    subscriber.subscribe(requestChannel, releasedChannel).catch(() => undefined);
  }
  subscriber.on('message', onMessage);
  subscriber.on('ready', subscribe);
  if (subscriber.status === 'ready') subscribe();

  /** SET NX PX; the send time when it took the lock, undefined when someone holds it. */
  async function trySet(key: string, token: string): Promise<number | undefined> {
    const sentAt = now();
    const reply = await redis.set(key, token, 'PX', leaseMs, 'NX');
    return reply === 'OK' ? sentAt : undefined;
  }

  function hold(id: string, key: string, token: string, sentAt: number, onReleaseRequested: (() => void) | undefined): HeldLock {
    const holding: Holding = {
      onReleaseRequested,
      lease: holdLease({
        redis,
        key,
        token,
        leaseMs,
        sentAt,
        now,
        retryMs: Math.min(pollMs, leaseMs / 10),
        onLost: () => observer?.onLost?.(id),
        onEnd: () => {
          if (holdings.get(id) === holding) holdings.delete(id);
        },
        onReleased: async () => {
          await redis.publish(releasedChannel, id);
        },
      }),
    };
    holdings.set(id, holding);
    return holding.lease;
  }

  /** Waits for the lock on `id` after a first SET found it taken. */
  function waitFor(id: string, key: string, startedAt: number, { signal, onReleaseRequested }: LockOptions): Promise<HeldLock> {
    return new Promise<HeldLock>((resolve, reject) => {
      let settled = false;
      let trying = false;
      let tryAgain = false;

      const stopWaiting = (): void => {
        settled = true;
        clearInterval(pollTimer);
        clearTimeout(boundTimer);
        signal?.removeEventListener('abort', onAbort);
        const forId = wakers.get(id);
        forId?.delete(onReleased);
        if (forId?.size === 0) wakers.delete(id);
        waiters.delete(leave);
      };
      const leave = (error: AppError): void => {
        if (settled) return;
        stopWaiting();
        reject(error);
      };
      const onAbort = (): void => leave(appError('UPLOAD_LOCKED'));

      /** One SET in flight per waiter; `afterRelease` when a release message woke it. */
      const attempt = (afterRelease: boolean): void => {
        if (settled) return;
        if (trying) {
          tryAgain = true;
          return;
        }
        trying = true;
        const token = newToken();
        trySet(key, token).then(
          (sentAt) => {
            trying = false;
            if (sentAt !== undefined) {
              if (settled) {
                // Taken just as the wait ended: give it straight back.
                deleteIfHeld(redis, key, token).catch(() => undefined);
                return;
              }
              stopWaiting();
              observer?.onAcquired?.((now() - startedAt) / 1000);
              resolve(hold(id, key, token, sentAt, onReleaseRequested));
              return;
            }
            // Another waiter took it over: that new holder hears that we still wait.
            if (afterRelease) redis.publish(requestChannel, id).catch(() => undefined);
            if (tryAgain) {
              tryAgain = false;
              attempt(false);
            }
          },
          (cause: unknown) => {
            trying = false;
            leave(unavailable(cause));
          },
        );
      };
      const onReleased = (): void => attempt(true);

      const pollTimer = setInterval(() => attempt(false), pollMs);
      const boundTimer = setTimeout(() => leave(appError('UPLOAD_LOCKED')), waitMs);
      signal?.addEventListener('abort', onAbort, { once: true });
      waiters.add(leave);
      const forId = wakers.get(id) ?? new Set();
      forId.add(onReleased);
      wakers.set(id, forId);
      if (signal?.aborted) return onAbort();
      // Subscribed before asking, so the holder's answer cannot be missed.
      redis.publish(requestChannel, id).catch((cause: unknown) => leave(unavailable(cause)));
    });
  }

  return {
    async acquire(id, options = {}) {
      if (closed) throw unavailable();
      const startedAt = now();
      const key = keyOf(id);
      const token = newToken();
      let sentAt: number | undefined;
      try {
        sentAt = await trySet(key, token);
      } catch (cause) {
        throw unavailable(cause);
      }
      if (closed) {
        // Closed while the SET was on its way: no new holders, no new waiters.
        if (sentAt !== undefined) await deleteIfHeld(redis, key, token).catch(() => undefined);
        throw sentAt === undefined ? appError('UPLOAD_LOCKED') : unavailable();
      }
      if (sentAt === undefined) return waitFor(id, key, startedAt, options);
      observer?.onAcquired?.((now() - startedAt) / 1000);
      return hold(id, key, token, sentAt, options.onReleaseRequested);
    },
    held: () => holdings.size,
    waiting: (id) => wakers.get(id)?.size ?? 0,
    async close() {
      closed = true;
      for (const leave of [...waiters]) leave(appError('UPLOAD_LOCKED'));
      await Promise.all([...holdings.values()].map(({ lease }) => lease.revoke()));
      subscriber.off('message', onMessage);
      subscriber.off('ready', subscribe);
      await subscriber.unsubscribe(requestChannel, releasedChannel).catch(() => undefined);
    },
  };
}
