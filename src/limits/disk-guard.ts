import { statfs } from 'node:fs/promises';
import { appError } from '../errors/catalogue.js';

/** Free bytes where the data lives (for an unprivileged process: `bavail`, not `bfree`). */
export type FreeSpace = () => Promise<number>;

export interface DiskGuardOptions {
  /** FERRY_MIN_FREE_BYTES: uploads never take the free space below this; 0: off. */
  minFreeBytes: number;
  freeSpace: FreeSpace;
  /** How long a look at the free space is trusted; the bytes let through since are taken off it. */
  cacheMs?: number;
}

/** Keeps `minFreeBytes` free in the data directory: new uploads are refused and bodies stop at the guard. */
export interface DiskGuard {
  readonly enabled: boolean;
  /** DISK_FULL unless `bytes` (a new upload's length; 0 when deferred) fit above the guard with at least one byte to spare. */
  admit(bytes: number): Promise<void>;
  /** How many of `bytes` fit above the guard now; counts them as used until the next look. */
  allow(bytes: number): Promise<number>;
}

/** The free space of the filesystem holding `directory`, by statfs(2). */
export function statfsFreeSpace(directory: string): FreeSpace {
  return async () => {
    const stats = await statfs(directory);
    return stats.bavail * stats.bsize;
  };
}

export function createDiskGuard({ minFreeBytes, freeSpace, cacheMs = 1000 }: DiskGuardOptions): DiskGuard {
  let free = 0;
  let takenSinceLook = 0;
  let lookedAt = Number.NEGATIVE_INFINITY;
  let looking: Promise<void> | undefined;

  /** One statfs at a time, at most once per `cacheMs`. */
  async function look(): Promise<void> {
    if (performance.now() - lookedAt < cacheMs) return;
    looking ??= freeSpace()
      .then((bytes) => {
        free = bytes;
        takenSinceLook = 0;
        lookedAt = performance.now();
      })
      .finally(() => {
        looking = undefined;
      });
    await looking;
  }

  async function room(): Promise<number> {
    await look();
    return free - takenSinceLook - minFreeBytes;
  }

  return {
    enabled: minFreeBytes > 0,
    async admit(bytes) {
      if (minFreeBytes <= 0) return;
      const available = await room();
      if (available <= 0 || bytes > available) throw appError('DISK_FULL', { details: { required: bytes, available: Math.max(0, available) } });
    },
    async allow(bytes) {
      if (minFreeBytes <= 0) return bytes;
      const allowed = Math.max(0, Math.min(bytes, await room()));
      takenSinceLook += allowed;
      return allowed;
    },
  };
}

/** DISK_FULL for a body the guard stopped at `offset`. */
export function diskFullAt(offset: number): Error {
  return appError('DISK_FULL', { details: { offset } });
}

const DISK_FULL_ERRNO = new Set(['ENOSPC', 'EDQUOT']);

/** A failure whose cause (at any depth) is the filesystem being full, or a disk quota reached. */
export function isDiskFull(error: unknown): boolean {
  for (let cause = error, depth = 0; cause instanceof Error && depth < 8; cause = cause.cause, depth += 1) {
    if (DISK_FULL_ERRNO.has((cause as NodeJS.ErrnoException).code ?? '')) return true;
  }
  return false;
}
