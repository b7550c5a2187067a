import type { Redis } from 'ioredis';
import { appError } from '../errors/catalogue.js';
import type { HeldLock } from '../uploads/locker.js';

/** Extends the key's expiry only while it still holds our token. */
const RENEW_SCRIPT = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) end return 0";

/** Deletes the key only while it still holds our token, so a lease that ran out never frees another holder's lock. */
const RELEASE_SCRIPT = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end return 0";

/** Extends `key`'s expiry to `leaseMs` if it holds `token`; true when it did. */
export async function renewIfHeld(redis: Redis, key: string, token: string, leaseMs: number): Promise<boolean> {
  return (await redis.eval(RENEW_SCRIPT, 1, key, token, leaseMs)) === 1;
}

/** Deletes `key` if it holds `token`; true when it did. */
export async function deleteIfHeld(redis: Redis, key: string, token: string): Promise<boolean> {
  return (await redis.eval(RELEASE_SCRIPT, 1, key, token)) === 1;
}

export interface LeaseOptions {
  redis: Redis;
  key: string;
  token: string;
  leaseMs: number;
  /** When the SET that took the lock was sent: the lease runs from then, not from its reply. */
  sentAt: number;
  now: () => number;
  /** How soon a renewal that failed (Redis out of reach) is tried again. */
  retryMs: number;
  /** Called once, when the lease is lost (not when it is released). */
  onLost: () => void;
  /** Called once, when the lease ends either way: the locker forgets it. */
  onEnd: () => void;
  /** Called after release deleted the key (to tell waiters); may reject, like any Redis command. */
  onReleased: () => Promise<void>;
}

export interface Lease extends HeldLock {
  /** Ends the lease as lost (the locker closes): LOCK_LOST, then the key is deleted. */
  revoke(): Promise<void>;
}

/**
 * A held Redis lock as a lease. The holder trusts it only until `validUntil`: the time the
 * last successful SET or renewal was sent, plus the lease, minus a margin for clock drift
 * between this process and Redis. A watchdog renews it every third of the lease; a renewal
 * that finds another token loses it at once, one that fails (Redis out of reach) is tried
 * again until `validUntil`. Past `validUntil` the lock counts as lost even if no timer ran
 * (a paused process), because `assertHeld` compares the clock itself.
 *
 * The safety assumption: Redis expires the key no sooner than `leaseMs` after the SET or
 * renewal was sent, and a write lands within the margin (leaseMs / 10) of the `assertHeld`
 * that allowed it. A pause between the check and the write syscall, or clock drift between
 * this process and Redis, longer than the margin can let a write land after another holder
 * took over. A Redis failover that loses the key breaks it too (a single Redis, not Redlock).
 */
export function holdLease(options: LeaseOptions): Lease {
  const { redis, key, token, leaseMs, now, retryMs } = options;
  const marginMs = leaseMs / 10;
  const renewEveryMs = leaseMs / 3;
  const controller = new AbortController();
  let validUntil = options.sentAt + leaseMs - marginMs;
  let ended = false;
  let renewTimer: NodeJS.Timeout | undefined;
  let deadlineTimer: NodeJS.Timeout | undefined;

  function end(): void {
    if (ended) return;
    ended = true;
    clearTimeout(renewTimer);
    clearTimeout(deadlineTimer);
    options.onEnd();
  }

  function lose(): void {
    if (ended) return;
    end();
    controller.abort(appError('LOCK_LOST'));
    options.onLost();
  }

  function scheduleRenewal(delayMs: number): void {
    renewTimer = setTimeout(renew, delayMs);
    renewTimer.unref();
  }

  async function renew(): Promise<void> {
    if (now() >= validUntil) return lose();
    const sentAt = now();
    try {
      const renewed = await renewIfHeld(redis, key, token, leaseMs);
      if (ended) return;
      if (!renewed) return lose();
      validUntil = Math.max(validUntil, sentAt + leaseMs - marginMs);
      scheduleRenewal(renewEveryMs);
    } catch {
      if (ended) return;
      if (now() >= validUntil) return lose();
      scheduleRenewal(retryMs);
    }
  }

  /** Loses the lease at `validUntil` even while a renewal hangs (Redis paused, a partition). */
  function watchDeadline(): void {
    const leftMs = validUntil - now();
    if (leftMs <= 0) {
      lose();
      return;
    }
    deadlineTimer = setTimeout(watchDeadline, leftMs);
    deadlineTimer.unref();
  }

  async function deleteKey(): Promise<void> {
    try {
      if (await deleteIfHeld(redis, key, token)) await options.onReleased();
    } catch {
      // Redis out of reach: the key expires on its own within the lease.
    }
  }

  scheduleRenewal(renewEveryMs);
  watchDeadline();

  let released = false;
  return {
    lost: controller.signal,
    assertHeld() {
      if (!ended && now() >= validUntil) lose();
      if (controller.signal.aborted) throw appError('LOCK_LOST');
    },
    async release() {
      if (released) return;
      released = true;
      end();
      await deleteKey();
    },
    async revoke() {
      if (released) return;
      released = true;
      lose();
      await deleteKey();
    },
  };
}
