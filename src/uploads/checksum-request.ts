import { appError } from '../errors/catalogue.js';
import { checksumAlgorithm } from './checksum-algorithms.js';

/** An Upload-Checksum value, parsed: what the body must hash to. */
export interface ExpectedChecksum {
  algorithm: string;
  digest: Buffer;
}

/** How a request asks for its body to be verified (checksum and checksum-trailer extensions). */
export interface ChecksumRequest {
  /** From the Upload-Checksum request header. */
  header: ExpectedChecksum | undefined;
  /** `Trailer: Upload-Checksum` announced a checksum after the body. */
  trailer: boolean;
}

export const UPLOAD_CHECKSUM = 'upload-checksum';

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * The checksum a request body must match, checked before a byte of the body is read;
 * undefined when the request asks for none (such a body takes the plain path, unhashed).
 */
export function readChecksumRequest(headers: Headers): ChecksumRequest | undefined {
  const value = headers.get(UPLOAD_CHECKSUM);
  const trailer = announcesChecksumTrailer(headers.get('trailer'));
  if (value === null && !trailer) return undefined;
  // Trailers are only allowed in chunked transfers: a body with a Content-Length has none.
  if (trailer && headers.get('content-length') !== null) {
    throw appError('UPLOAD_CHECKSUM_INVALID', { message: 'An Upload-Checksum trailer needs a chunked body (no Content-Length).' });
  }
  return { header: value === null ? undefined : parseUploadChecksum(value), trailer };
}

/**
 * Upload-Checksum MUST consist of the name of the used checksum algorithm and the Base64
 * encoded checksum separated by a space. An algorithm the Server does not support is
 * 400 Bad Request (UPLOAD_CHECKSUM_ALGORITHM_UNSUPPORTED); anything else malformed,
 * including a digest of the wrong length for its algorithm, is UPLOAD_CHECKSUM_INVALID.
 */
export function parseUploadChecksum(value: string): ExpectedChecksum {
  const parts = value.trim().split(' ');
  if (parts.length !== 2 || parts[0] === '') throw appError('UPLOAD_CHECKSUM_INVALID');
  const [algorithm, encoded] = parts;
  const known = checksumAlgorithm(algorithm);
  if (known === undefined) throw appError('UPLOAD_CHECKSUM_ALGORITHM_UNSUPPORTED', { details: { algorithm } });
  const digest = Buffer.from(encoded, 'base64');
  if (!BASE64.test(encoded) || digest.length !== known.byteLength) throw appError('UPLOAD_CHECKSUM_INVALID', { details: { algorithm } });
  return { algorithm, digest };
}

/** Whether a Trailer header (a comma-separated list of field names) names Upload-Checksum. */
function announcesChecksumTrailer(value: string | null): boolean {
  return (value ?? '').split(',').some((name) => name.trim().toLowerCase() === UPLOAD_CHECKSUM);
}
