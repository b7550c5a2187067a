import { appError } from '../../errors/catalogue.js';

/** The protocol version ferry speaks: Tus-Resumable of every request and response (OPTIONS requests aside). */
export const TUS_RESUMABLE = '1.0.0';

/** Tus-Version: the versions the Server supports, by preference. */
export const TUS_VERSION = '1.0.0';

/** The media type of a tus request body (PATCH, and POST with creation-with-upload). */
const OFFSET_OCTET_STREAM = 'application/offset+octet-stream';
/**
 * Upload-Offset and Upload-Length: "a non-negative integer", read strictly: `0` or a digit
 * 1-9 followed by digits, no sign, no leading zero, no space inside, at most 16 digits (then
 * within Number.MAX_SAFE_INTEGER). `01`, `+1`, `1.0`, `1e3` are refused.
 */
const UPLOAD_INTEGER = /^(?:0|[1-9]\d{0,15})$/;
/** Content-Length is HTTP's own `1*DIGIT` (RFC 9110), where leading zeros are allowed. */
const CONTENT_LENGTH = /^\d{1,16}$/;

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

/** Upload-Offset or Upload-Length as a safe integer (see UPLOAD_INTEGER), else undefined. */
export function parseUploadInteger(value: string | null): number | undefined {
  return value === null || !UPLOAD_INTEGER.test(value) ? undefined : safeInteger(value);
}

/** Content-Length as a safe integer, else undefined (absent: a chunked body). */
export function parseContentLength(value: string | null): number | undefined {
  return value === null || !CONTENT_LENGTH.test(value) ? undefined : safeInteger(value);
}

function safeInteger(digits: string): number | undefined {
  const number = Number(digits);
  return Number.isSafeInteger(number) ? number : undefined;
}

/**
 * The headers of every tus error response: Tus-Resumable, and on 412 the Tus-Version the
 * Server supports (it MUST include the Tus-Version header into the response).
 */
export function tusErrorHeaders(status: number): Record<string, string> {
  return status === 412 ? { 'Tus-Resumable': TUS_RESUMABLE, 'Tus-Version': TUS_VERSION } : { 'Tus-Resumable': TUS_RESUMABLE };
}
