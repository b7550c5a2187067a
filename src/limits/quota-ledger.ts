import { appError } from '../errors/catalogue.js';
import { isFinished, type Upload } from '../uploads/upload.js';

export interface QuotaLedgerOptions {
  /** FERRY_QUOTA_BYTES: an owner's uploads together; 0: no limit. */
  maxBytes: number;
  /** FERRY_QUOTA_UPLOADS: an owner's unfinished uploads; 0: no limit. */
  maxUploads: number;
}

/** What one owner uses: bytes of all its uploads, and how many of them are unfinished. */
export interface QuotaUsage {
  bytes: number;
  uploads: number;
}

/** A creation's reservation, made before the upload is recorded. */
export interface QuotaReservation {
  commit(id: string): void;
  cancel(): void;
}

/**
 * Every upload's owner and what it counts for: the declared length, or while the length is
 * deferred the bytes received so far; and whether it is unfinished. Anonymous uploads
 * (owner undefined) share one account. Every method is synchronous, so a check and the
 * reservation it allows can never be split by another request.
 */
export interface QuotaLedger {
  /** Checks the owner's quotas for a new upload of `length` (undefined: deferred) and reserves it; QUOTA_* when it would go beyond. */
  reserve(owner: string | undefined, length: number | undefined): QuotaReservation;
  /** A deferred length is declared: counts it in place of the bytes received; QUOTA_BYTES_EXCEEDED when it would go beyond. */
  declare(id: string, length: number): void;
  /** How many of `bytes` arriving for upload `id` fit the quota (all of them unless its length is deferred); counts them. */
  grow(id: string, bytes: number): number;
  /** Counts upload `upload` from what the store holds (start-up, a finished upload, after an append). */
  track(upload: Upload): void;
  /** The upload is gone (terminated, expired). */
  remove(id: string): void;
  /** The uploads the ledger counts. */
  ids(): string[];
  usage(owner: string | undefined): QuotaUsage;
  /** Upload `id` is counted, unfinished, and `owner`'s. */
  isUnfinished(id: string, owner: string | undefined): boolean;
  /** QUOTA_BYTES_EXCEEDED for `owner` now, with the offset a body stopped at. */
  bytesExceeded(owner: string | undefined, offset?: number): Error;
  ownerOf(id: string): string | undefined;
}

interface Entry {
  owner: string | undefined;
  bytes: number;
  deferred: boolean;
  unfinished: boolean;
}

export function createQuotaLedger({ maxBytes, maxUploads }: QuotaLedgerOptions): QuotaLedger {
  const entries = new Map<string, Entry>();
  const usages = new Map<string | undefined, QuotaUsage>();

  function usageOf(owner: string | undefined): QuotaUsage {
    let usage = usages.get(owner);
    if (usage === undefined) {
      usage = { bytes: 0, uploads: 0 };
      usages.set(owner, usage);
    }
    return usage;
  }

  function add(entry: Entry, sign: 1 | -1): void {
    const usage = usageOf(entry.owner);
    usage.bytes += sign * entry.bytes;
    usage.uploads += sign * (entry.unfinished ? 1 : 0);
    if (usage.bytes === 0 && usage.uploads === 0) usages.delete(entry.owner);
  }

  function bytesExceeded(owner: string | undefined, offset?: number): Error {
    const details: Record<string, unknown> = { limit: maxBytes, used: usageOf(owner).bytes };
    if (offset !== undefined) details.offset = offset;
    return appError('QUOTA_BYTES_EXCEEDED', { details });
  }

  return {
    reserve(owner, length) {
      const usage = usageOf(owner);
      const unfinished = length !== 0;
      if (maxBytes > 0 && usage.bytes + (length ?? 0) > maxBytes) throw bytesExceeded(owner);
      if (maxUploads > 0 && unfinished && usage.uploads + 1 > maxUploads) {
        throw appError('QUOTA_UPLOADS_EXCEEDED', { details: { limit: maxUploads, used: usage.uploads } });
      }
      const entry: Entry = { owner, bytes: length ?? 0, deferred: length === undefined, unfinished };
      add(entry, 1);
      let settled = false;
      return {
        commit(id) {
          if (settled) return;
          settled = true;
          entries.set(id, entry);
        },
        cancel() {
          if (settled) return;
          settled = true;
          add(entry, -1);
        },
      };
    },

    declare(id, length) {
      const entry = entries.get(id);
      if (entry === undefined || !entry.deferred) return;
      const usage = usageOf(entry.owner);
      if (maxBytes > 0 && usage.bytes - entry.bytes + length > maxBytes) throw bytesExceeded(entry.owner);
      usage.bytes += length - entry.bytes;
      entry.bytes = length;
      entry.deferred = false;
    },

    grow(id, bytes) {
      const entry = entries.get(id);
      if (entry === undefined || !entry.deferred) return bytes;
      const usage = usageOf(entry.owner);
      const allowed = maxBytes > 0 ? Math.max(0, Math.min(bytes, maxBytes - usage.bytes)) : bytes;
      usage.bytes += allowed;
      entry.bytes += allowed;
      return allowed;
    },

    track(upload) {
      const previous = entries.get(upload.id);
      if (previous !== undefined) add(previous, -1);
      const entry: Entry = {
        owner: previous?.owner ?? upload.owner,
        bytes: upload.size ?? upload.offset,
        deferred: upload.size === undefined,
        unfinished: !isFinished(upload),
      };
      entries.set(upload.id, entry);
      add(entry, 1);
    },

    remove(id) {
      const entry = entries.get(id);
      if (entry === undefined) return;
      entries.delete(id);
      add(entry, -1);
    },

    ids: () => [...entries.keys()],
    usage: (owner) => ({ ...(usages.get(owner) ?? { bytes: 0, uploads: 0 }) }),
    isUnfinished(id, owner) {
      const entry = entries.get(id);
      return entry?.unfinished === true && entry.owner === owner;
    },
    bytesExceeded,
    ownerOf: (id) => entries.get(id)?.owner,
  };
}
