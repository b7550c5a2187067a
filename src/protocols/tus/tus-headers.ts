import { appError } from '../../errors/catalogue.js';

/** The protocol version ferry speaks: Tus-Resumable of every request and response (OPTIONS requests aside). */
export const TUS_RESUMABLE = '1.0.0';

/** Tus-Version: the versions the Server supports, by preference. */
export const TUS_VERSION = '1.0.0';

/** The media type of a tus request body (PATCH, and POST with creation-with-upload). */
const OFFSET_OCTET_STREAM = 'application/offset+octet-stream';
const NON_NEGATIVE_INTEGER = /^\d{1,16}$/;

/**
 * The Tus-Resumable header MUST be included in every request. If the version is not
 * supported, the Server MUST respond with 412 and MUST NOT process the request.
 */
export function checkTusResumable(headers: Headers): void {
  if (headers.get('tus-resumable') !== TUS_RESUMABLE) throw appError('TUS_VERSION_UNSUPPORTED');
}

/** Whether the request's Content-Type (parameters and case aside) is application/offset+octet-stream. */
export function hasOffsetOctetStream(headers: Headers): boolean {
  return headers.get('content-type')?.split(';', 1)[0].trim().toLowerCase() === OFFSET_OCTET_STREAM;
}

/** A header value that is a non-negative safe integer (Upload-Offset, Upload-Length, Content-Length), else undefined. */
export function parseNonNegativeInteger(value: string | null): number | undefined {
  if (value === null || !NON_NEGATIVE_INTEGER.test(value)) return undefined;
  const number = Number(value);
  return Number.isSafeInteger(number) ? number : undefined;
}

/**
 * The headers of every tus error response: Tus-Resumable, and on 412 the Tus-Version the
 * Server supports (it MUST include the Tus-Version header into the response).
 */
export function tusErrorHeaders(status: number): Record<string, string> {
  return status === 412 ? { 'Tus-Resumable': TUS_RESUMABLE, 'Tus-Version': TUS_VERSION } : { 'Tus-Resumable': TUS_RESUMABLE };
}
