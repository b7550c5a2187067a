import { appError } from '../errors/catalogue.js';
import { CHECKSUM_ALGORITHM_NAMES, type ChunkDigest, checksumAlgorithm } from './checksum-algorithms.js';
import { type ChecksumRequest, type ExpectedChecksum, parseUploadChecksum, UPLOAD_CHECKSUM } from './checksum-request.js';
import type { BodySource } from './read-body.js';

export interface ChecksumBodyOptions {
  /** The most the body may add (see `bodyLimit`): a body beyond it is refused before anything past it is handed on. */
  maxBytes: number;
  /** The body was ended early (another request wants the lock): what arrived cannot be verified. */
  stop: AbortSignal;
  /** A request trailer by lower-case name, once the body has ended; undefined when absent. */
  readTrailer: ((name: string) => string | undefined) | undefined;
}

/**
 * Wraps a body that carries a checksum. Each chunk is hashed as it streams, and the last
 * chunk is held back until the body has ended and its checksum matched: the store never
 * holds the whole chunk of a request that fails, so an upload this chunk would complete
 * is never complete (fsynced, finished, imported) unverified. Every way of not verifying
 * ends the iteration with an error (mismatch, missing or bad trailer, body too long, body
 * cut short, client gone), and then the caller rolls the chunk back.
 *
 * A trailer's algorithm is known only once the body has ended, so a request that announces
 * one is hashed with every supported algorithm.
 */
export function verifyChecksumBody(source: BodySource, checksum: ChecksumRequest, { maxBytes, stop, readTrailer }: ChecksumBodyOptions): BodySource {
  async function* chunks(): AsyncGenerator<Uint8Array, void, undefined> {
    const digests = createDigests(checksum);
    let held: Uint8Array | undefined;
    let received = 0;
    for await (const chunk of source) {
      received += chunk.byteLength;
      if (received > maxBytes) throw appError('UPLOAD_LENGTH_EXCEEDED');
      for (const digest of digests.values()) digest.update(chunk);
      if (held !== undefined) yield held;
      held = chunk;
    }
    if (stop.aborted) {
      throw appError('UPLOAD_ABORTED', { message: 'The body was cut short (another request asked for the upload), so its checksum could not be verified.' });
    }
    const computed = new Map([...digests].map(([name, digest]) => [name, digest.digest()]));
    for (const expected of expectedChecksums(checksum, readTrailer)) {
      // The Server MUST verify the uploaded chunk against the provided checksum using the specified algorithm.
      if (!computed.get(expected.algorithm)!.equals(expected.digest)) {
        throw appError('UPLOAD_CHECKSUM_MISMATCH', { details: { algorithm: expected.algorithm } });
      }
    }
    if (held !== undefined) yield held;
  }

  return {
    [Symbol.asyncIterator]: chunks,
    get failure() {
      return source.failure;
    },
  };
}

function createDigests({ header, trailer }: ChecksumRequest): Map<string, ChunkDigest> {
  const names = trailer ? CHECKSUM_ALGORITHM_NAMES : [header!.algorithm];
  return new Map(names.map((name) => [name, checksumAlgorithm(name)!.createDigest()]));
}

/**
 * What the body must match once it has ended. A request may carry both a header and an
 * announced trailer (the spec does not say which wins): then both must match, so no
 * checksum the client sent is ever ignored. An announced trailer that did not arrive
 * leaves the chunk unverifiable, so it is refused.
 */
function expectedChecksums({ header, trailer }: ChecksumRequest, readTrailer: ChecksumBodyOptions['readTrailer']): ExpectedChecksum[] {
  const expected = header === undefined ? [] : [header];
  if (!trailer) return expected;
  const value = readTrailer?.(UPLOAD_CHECKSUM);
  if (value === undefined) throw appError('UPLOAD_CHECKSUM_INVALID', { message: 'The announced Upload-Checksum trailer did not arrive.' });
  return [...expected, parseUploadChecksum(value)];
}
