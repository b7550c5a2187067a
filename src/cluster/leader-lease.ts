import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Leadership } from './leadership.js';
import { deleteIfHeld, renewIfHeld } from './redis-lease.js';

/** The share of the lease kept in hand for the clocks of this process and Redis running at different rates. */
const DRIFT_FRACTION = 0.1;

export interface LeaderLeaseOptions {
  redis: Redis;
  /** FERRY_REDIS_KEY_PREFIX: the lease is the key `<keyPrefix>leader`. */
  keyPrefix: string;
  /** How long the lease lives in Redis unless renewed (FERRY_LOCK_LEASE_MS); it is tried for and renewed every third of that. */
  leaseMs: number;
  /** This instance's name, in the lease's value and in the log lines. */
  instanceId: string;
  logger: Logger;
  /** Runs each time this instance becomes the leader, one run after the other; a failure is logged. */
  onElected: () => Promise<void> | void;
  /** A monotonic clock in ms; default performance.now (tests make it jump). */
  now?: () => number;
}

export interface LeaderLease extends Leadership {
  /** The lease's value in Redis while this instance holds it: `<instanceId>:<random>`. */
  readonly token: string;
}

/**
 * The leader lease in Redis: `SET <prefix>leader <token> NX PX leaseMs`, tried at once, each
 * time the connection becomes ready and every third of the lease; the holder renews it with a
 * compare-and-PEXPIRE. The holder counts itself the leader only until its own deadline, the
 * time its last successful renewal was sent plus the lease minus a margin, on a monotonic
 * clock: it stops before Redis can let the key expire and hand it to another instance, however
 * late a renewal's answer comes. A deadline passed (a long pause, Redis out of reach) or a
 * changed token loses leadership; the lease is then released (compare-and-DEL), as by `close()`,
 * so another instance takes it at its next try.
 */
export function createLeaderLease({
  redis,
  keyPrefix,
  leaseMs,
  instanceId,
  logger,
  onElected,
  now = () => performance.now(),
}: LeaderLeaseOptions): LeaderLease {
  // Every line names the instance, once: in cluster mode the logger's base fields carry it already.
  const log = 'instance' in logger.bindings() ? logger : logger.child({ instance: instanceId });
  const key = `${keyPrefix}leader`;
  const token = `${instanceId}:${randomUUID()}`;
  const margin = Math.ceil(leaseMs * DRIFT_FRACTION);
  let held = false;
  let deadline = 0;
  let closed = false;
  let attempt: Promise<void> | undefined;
  let elections: Promise<void> = Promise.resolve();

  async function tryTake(): Promise<void> {
    const sentAt = now();
    if ((await redis.set(key, token, 'PX', leaseMs, 'NX')) !== 'OK') return;
    held = true;
    deadline = sentAt + leaseMs - margin;
    log.info('leader lease taken');
    elections = elections.then(() => onElected()).catch((error: unknown) => log.error({ err: error }, 'leader task failed'));
  }

  async function renew(): Promise<void> {
    const sentAt = now();
    if (await renewIfHeld(redis, key, token, leaseMs)) deadline = sentAt + leaseMs - margin;
    else await lose('taken');
  }

  async function lose(reason: 'expired' | 'taken'): Promise<void> {
    held = false;
    log.info({ reason }, 'leader lease lost');
    await release();
  }

  async function release(): Promise<void> {
    await deleteIfHeld(redis, key, token);
  }

  async function contend(): Promise<void> {
    if (held && now() >= deadline) await lose('expired');
    else if (held) await renew();
    else if (!closed) await tryTake();
  }

  // A failed command (Redis out of reach) changes nothing: the deadline decides, at the next try.
  function tick(): void {
    if (attempt !== undefined) return;
    attempt = contend()
      .catch(() => undefined)
      .finally(() => {
        attempt = undefined;
      });
  }

  const timer = setInterval(tick, Math.max(1, Math.floor(leaseMs / 3)));
  timer.unref();
  redis.on('ready', tick);
  tick();

  return {
    token,
    isLeader: () => held && now() < deadline,
    async close() {
      closed = true;
      await attempt;
      // A run under way ends first; the lease is still renewed meanwhile, so no other instance starts one beside it.
      await elections;
      clearInterval(timer);
      redis.off('ready', tick);
      await attempt;
      if (!held) return;
      held = false;
      await release().catch((error: unknown) => log.warn({ err: error }, 'leader lease not released'));
      log.info('leader lease released');
    },
  };
}
