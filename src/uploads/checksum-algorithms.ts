import { createHash } from 'node:crypto';
import { crc32 } from 'node:zlib';

/** A running digest over a body, fed chunk by chunk as it streams (the body is never buffered). */
export interface ChunkDigest {
  update(chunk: Uint8Array): void;
  /** The digest's bytes, as Upload-Checksum carries them (in Base64). */
  digest(): Buffer;
}

interface ChecksumAlgorithm {
  /** The digest length in bytes: a Base64 value that decodes to another length is malformed. */
  byteLength: number;
  createDigest(): ChunkDigest;
}

function hashDigest(name: string): () => ChunkDigest {
  return () => {
    const hash = createHash(name);
    return { update: (chunk) => void hash.update(chunk), digest: () => hash.digest() };
  };
}

/**
 * CRC-32 (zlib's, IEEE polynomial) as its 4 bytes big-endian, so it travels in Base64
 * like the other digests: the CRC 0xcbf43926 of "123456789" is `y/Q5Jg==`.
 */
function crc32Digest(): ChunkDigest {
  let value = 0;
  return {
    update: (chunk) => {
      value = crc32(chunk, value);
    },
    digest: () => {
      const bytes = Buffer.allocUnsafe(4);
      bytes.writeUInt32BE(value >>> 0);
      return bytes;
    },
  };
}

/**
 * The checksum algorithms ferry verifies, by the name a client sends. The names are
 * lower case only: "the names of the checksum algorithms MUST only consist of ASCII
 * characters with the modification that uppercase characters are excluded".
 */
const ALGORITHMS: ReadonlyMap<string, ChecksumAlgorithm> = new Map([
  // The Server MUST support at least the SHA1 checksum algorithm identified by sha1.
  ['sha1', { byteLength: 20, createDigest: hashDigest('sha1') }],
  ['md5', { byteLength: 16, createDigest: hashDigest('md5') }],
  ['sha256', { byteLength: 32, createDigest: hashDigest('sha256') }],
  ['crc32', { byteLength: 4, createDigest: crc32Digest }],
]);

export const CHECKSUM_ALGORITHM_NAMES: readonly string[] = [...ALGORITHMS.keys()];

export function checksumAlgorithm(name: string): ChecksumAlgorithm | undefined {
  return ALGORITHMS.get(name);
}
