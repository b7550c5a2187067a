import { createHash } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { expectedBytes } from './payload.js';

/** The Upload-Checksum algorithms the bench can send (ferry's Tus-Checksum-Algorithm). */
export const CHECKSUM_ALGORITHMS = ['sha1', 'md5', 'sha256', 'crc32'] as const;
export type ChecksumAlgorithm = (typeof CHECKSUM_ALGORITHMS)[number];

/** `Upload-Checksum` for `bytes`: the digest in Base64 (crc32 as its 4 bytes big-endian, as ferry reads it). */
function uploadChecksum(algorithm: ChecksumAlgorithm, bytes: Buffer): string {
  if (algorithm !== 'crc32') return `${algorithm} ${createHash(algorithm).update(bytes).digest('base64')}`;
  const digest = Buffer.allocUnsafe(4);
  digest.writeUInt32BE(crc32(bytes));
  return `crc32 ${digest.toString('base64')}`;
}

/**
 * The Upload-Checksum of every PATCH of an upload of `size` bytes in `chunkSize` chunks,
 * computed before the timed window so the client's hashing does not slow the case.
 */
export function chunkChecksums(algorithm: ChecksumAlgorithm, size: number, chunkSize: number): string[] {
  const checksums: string[] = [];
  for (let offset = 0; offset < size; offset += chunkSize) {
    checksums.push(uploadChecksum(algorithm, expectedBytes(offset, Math.min(chunkSize, size - offset))));
  }
  return checksums;
}
