import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { REDIS_RETRY_AFTER_SECONDS } from '../cluster/redis-connection.js';
import { appError } from '../errors/catalogue.js';
import { isFinished, type Upload } from '../uploads/upload.js';
import type { QuotaLedgerOptions, QuotaUsage } from './quota-ledger.js';
import { CANCEL, COMMIT, DECLARE, GROW, REMOVE, RESERVE, TRACK } from './quota-scripts.js';
import { failClosed } from './redis-failure.js';

export interface RedisQuotaLedgerOptions extends QuotaLedgerOptions {
  redis: Redis;
  /** FERRY_REDIS_KEY_PREFIX: the ledger's keys are `<prefix>quota:*`. */
  prefix: string;
  /** How long one instance may hold the rebuild to itself (default 30 s). */
  rebuildLeaseMs?: number;
  /**
   * The uploads in the shared store, read afresh at each call. Given, the ledger never counts
   * on missing counters: should Redis lose its data (a restart without persistence, a
   * failover to an empty replica), the next reservation or growth rebuilds it first.
   */
  storedUploads?: () => AsyncIterable<Upload>;
}

/** A creation's reservation in the shared ledger. */
export interface SharedQuotaReservation {
  commit(id: string): Promise<void>;
  cancel(): Promise<void>;
}

/**
 * The quota ledger of a cluster: quota-ledger.ts's contract, with every count in Redis and
 * every check-and-change one Lua script, so two instances racing for an owner's last bytes
 * cannot both win. Each method is asynchronous and fails closed (REDIS_UNAVAILABLE) while
 * Redis is out of reach.
 *
 * Each upload's entry (owner, bytes it counts for, deferred, unfinished) lives in Redis too,
 * so whichever instance serves a request adjusts the counts, and `track` writes the entry's
 * absolute value from what the shared store holds: a count that went wrong (an instance that
 * died mid-PATCH after counting bytes it never stored) is right again at the upload's next
 * append or when it finishes.
 */
export interface SharedQuotaLedger {
  reserve(owner: string | undefined, length: number | undefined): Promise<SharedQuotaReservation>;
  declare(id: string, length: number): Promise<void>;
  /** How many of `bytes` fit (see QuotaLedger.grow), and the owner's bytes used after. */
  grow(id: string, bytes: number): Promise<{ allowed: number; used: number }>;
  track(upload: Upload): Promise<void>;
  remove(id: string): Promise<void>;
  ids(): Promise<string[]>;
  usage(owner: string | undefined): Promise<QuotaUsage>;
  isUnfinished(id: string, owner: string | undefined): Promise<boolean>;
  /** QUOTA_BYTES_EXCEEDED with the bytes `used` and the offset a body stopped at. */
  bytesExceeded(used: number, offset?: number): Error;
  ownerOf(id: string): Promise<string | undefined>;
  /**
   * Counts the stored uploads, once per ledger: the first instance to start (under a short
   * lock in Redis) writes absolute values; every other, at once or later, finds the ledger
   * built and leaves it alone (the running instances keep it right). Idempotent, so three
   * instances starting together never count an upload twice. Resolves true if this call built it.
   */
  rebuild(uploads: AsyncIterable<Upload>): Promise<boolean>;
}

/** Anonymous uploads share one account; an owner's key cannot collide with it. */
function ownerKey(owner: string | undefined): string {
  return owner === undefined ? '-' : `o:${owner}`;
}

function ownerFromKey(key: string): string | undefined {
  return key === '-' ? undefined : key.slice(2);
}

/** The owner key and unfinished flag of an entry (`bytes|deferred|unfinished|ownerKey`; the key may hold `|`). */
function parseEntry(entry: string | null): { ownerKey: string; unfinished: boolean } | undefined {
  const parts = entry?.split('|') ?? [];
  return parts.length < 4 ? undefined : { ownerKey: parts.slice(3).join('|'), unfinished: parts[2] === '1' };
}

/** The entry text of `upload` as the scripts store it (quota-scripts.ts). */
function encodeEntry(upload: Upload): string {
  return `${upload.size ?? upload.offset}|${upload.size === undefined ? 1 : 0}|${isFinished(upload) ? 0 : 1}|${ownerKey(upload.owner)}`;
}

export function createRedisQuotaLedger({
  redis,
  prefix,
  maxBytes,
  maxUploads,
  rebuildLeaseMs = 30_000,
  storedUploads,
}: RedisQuotaLedgerOptions): SharedQuotaLedger {
  const keys = {
    bytes: `${prefix}quota:bytes`,
    uploads: `${prefix}quota:uploads`,
    entries: `${prefix}quota:entries`,
    reservations: `${prefix}quota:reservations`,
    built: `${prefix}quota:built`,
    rebuildLock: `${prefix}quota:rebuild-lock`,
  };

  function run(script: string, scriptKeys: string[], args: (string | number)[]): Promise<unknown> {
    return failClosed(redis.eval(script, scriptKeys.length, ...scriptKeys, ...args.map(String)));
  }

  /** Runs a script that lets usage grow (quota-scripts.ts, UNBUILT_GUARD): rebuilds the ledger first if Redis lost it. */
  async function runGuarded(script: string, scriptKeys: string[], args: (string | number)[]): Promise<number[]> {
    const guard = storedUploads === undefined ? '0' : '1';
    const guardedKeys = [...scriptKeys, keys.built];
    const result = (await run(script, guardedKeys, [...args, guard])) as number[];
    if (result[0] !== -1 || storedUploads === undefined) return result;
    await rebuild(storedUploads());
    const retried = (await run(script, guardedKeys, [...args, guard])) as number[];
    if (retried[0] === -1) throw appError('REDIS_UNAVAILABLE', { details: { retryAfter: REDIS_RETRY_AFTER_SECONDS } });
    return retried;
  }

  function bytesExceeded(used: number, offset?: number): Error {
    const details: Record<string, unknown> = { limit: maxBytes, used };
    if (offset !== undefined) details.offset = offset;
    return appError('QUOTA_BYTES_EXCEEDED', { details });
  }

  async function entryOf(id: string): Promise<string | null> {
    return failClosed(redis.hget(keys.entries, id));
  }

  /** Writes the counts of `uploads` as absolute values, replacing whatever the ledger held. */
  async function writeAbsolute(uploads: AsyncIterable<Upload>): Promise<void> {
    const entries = new Map<string, string>();
    const bytes = new Map<string, number>();
    const unfinished = new Map<string, number>();
    for await (const upload of uploads) {
      const owner = ownerKey(upload.owner);
      entries.set(upload.id, encodeEntry(upload));
      bytes.set(owner, (bytes.get(owner) ?? 0) + (upload.size ?? upload.offset));
      if (!isFinished(upload)) unfinished.set(owner, (unfinished.get(owner) ?? 0) + 1);
    }
    const write = redis.multi().del(keys.bytes, keys.uploads, keys.entries, keys.reservations);
    if (entries.size > 0) write.hset(keys.entries, entries);
    const nonZero = new Map([...bytes].filter(([, value]) => value > 0));
    if (nonZero.size > 0) write.hset(keys.bytes, nonZero);
    if (unfinished.size > 0) write.hset(keys.uploads, unfinished);
    write.set(keys.built, new Date().toISOString());
    await failClosed(write.exec());
  }

  async function rebuild(uploads: AsyncIterable<Upload>): Promise<boolean> {
    const token = randomUUID();
    const deadline = Date.now() + rebuildLeaseMs * 2;
    for (;;) {
      if ((await failClosed(redis.exists(keys.built))) === 1) return false;
      if ((await failClosed(redis.set(keys.rebuildLock, token, 'PX', rebuildLeaseMs, 'NX'))) === 'OK') break;
      if (Date.now() > deadline) throw appError('REDIS_UNAVAILABLE', { details: { retryAfter: Math.ceil(rebuildLeaseMs / 1000) } });
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    try {
      // Another instance may have finished between the look and the lock.
      if ((await failClosed(redis.exists(keys.built))) === 1) return false;
      await writeAbsolute(uploads);
      return true;
    } finally {
      await failClosed(redis.eval("if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0", 1, keys.rebuildLock, token));
    }
  }

  return {
    async reserve(owner, length) {
      const token = randomUUID();
      const [outcome, used] = await runGuarded(
        RESERVE,
        [keys.bytes, keys.uploads, keys.reservations],
        [ownerKey(owner), length ?? -1, maxBytes, maxUploads, token],
      );
      if (outcome === 1) throw bytesExceeded(used ?? 0);
      if (outcome === 2) throw appError('QUOTA_UPLOADS_EXCEEDED', { details: { limit: maxUploads, used } });
      let settled = false;
      return {
        async commit(id) {
          if (settled) return;
          settled = true;
          await run(COMMIT, [keys.reservations, keys.entries], [token, id]);
        },
        async cancel() {
          if (settled) return;
          settled = true;
          await run(CANCEL, [keys.bytes, keys.uploads, keys.reservations], [token]);
        },
      };
    },

    async declare(id, length) {
      const [outcome, used] = await runGuarded(DECLARE, [keys.bytes, keys.entries], [id, length, maxBytes]);
      if (outcome === 1) throw bytesExceeded(used ?? 0);
    },

    async grow(id, bytes) {
      const [allowed = bytes, used = 0] = await runGuarded(GROW, [keys.bytes, keys.entries], [id, bytes, maxBytes]);
      return { allowed, used };
    },

    async track(upload) {
      const finished = isFinished(upload);
      await run(
        TRACK,
        [keys.bytes, keys.uploads, keys.entries],
        [upload.id, ownerKey(upload.owner), upload.size ?? upload.offset, upload.size === undefined ? 1 : 0, finished ? 0 : 1],
      );
    },

    async remove(id) {
      await run(REMOVE, [keys.bytes, keys.uploads, keys.entries], [id]);
    },

    ids: () => failClosed(redis.hkeys(keys.entries)),

    async usage(owner) {
      const key = ownerKey(owner);
      const [bytes, uploads] = await failClosed(Promise.all([redis.hget(keys.bytes, key), redis.hget(keys.uploads, key)]));
      return { bytes: Number(bytes ?? 0), uploads: Number(uploads ?? 0) };
    },

    async isUnfinished(id, owner) {
      const entry = parseEntry(await entryOf(id));
      return entry?.unfinished === true && entry.ownerKey === ownerKey(owner);
    },

    bytesExceeded,

    async ownerOf(id) {
      const entry = parseEntry(await entryOf(id));
      return entry === undefined ? undefined : ownerFromKey(entry.ownerKey);
    },

    rebuild,
  };
}
