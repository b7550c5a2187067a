import type { AppError } from '../../errors/app-error.js';
import { appError } from '../../errors/catalogue.js';
import { parseUploadMetadata, type UploadMetadata } from '../../uploads/metadata.js';
import type { IetfDialect } from './interop-versions.js';
import { parseBooleanItem, parseIntegerItem, serializeIntegerDictionary } from './structured-fields.js';

/** The media type of an append's content: "a contiguous block from the representation data" (required since draft -04). */
export const PARTIAL_UPLOAD = 'application/partial-upload';

/** The request must include Upload-Complete (creation and append); an invalid value is ignored, so it is missing too. */
export function readUploadComplete(headers: Headers): boolean {
  const complete = parseBooleanItem(headers.get('upload-complete'));
  if (complete === undefined) throw appError('UPLOAD_COMPLETE_INVALID');
  return complete;
}

/** The client MUST indicate the offset of the request content with Upload-Offset (append). */
export function readUploadOffset(headers: Headers): number {
  const offset = parseIntegerItem(headers.get('upload-offset'));
  if (offset === undefined) throw appError('UPLOAD_OFFSET_INVALID');
  return offset;
}

/** Upload-Length, or undefined when absent or invalid ("Other values MUST cause the entire header field to be ignored"). */
export function readUploadLength(headers: Headers): number | undefined {
  return parseIntegerItem(headers.get('upload-length'));
}

/** Content-Length as a safe integer; undefined for a chunked body. */
export function readContentLength(headers: Headers): number | undefined {
  const value = headers.get('content-length');
  if (value === null || !/^\d{1,16}$/.test(value)) return undefined;
  const length = Number(value);
  return Number.isSafeInteger(length) ? length : undefined;
}

export function hasPartialUploadType(headers: Headers): boolean {
  return headers.get('content-type')?.split(';', 1)[0].trim().toLowerCase() === PARTIAL_UPLOAD;
}

/**
 * The length a creation or append request indicates, if any: (1) `Upload-Complete: ?1` with
 * a valid Content-Length makes it the offset plus the Content-Length; (2) Upload-Length
 * states it. "If indicators (1) and (2) are both present in the same request, their
 * indicated lengths MUST match."
 */
export function indicatedLength(offset: number, complete: boolean, headers: Headers): number | undefined {
  const stated = readUploadLength(headers);
  const contentLength = readContentLength(headers);
  const implied = complete && contentLength !== undefined ? offset + contentLength : undefined;
  if (stated !== undefined && implied !== undefined && stated !== implied) throw inconsistentLength();
  return stated ?? implied;
}

/** The 400 of the drafts' "inconsistent-upload-length" problem: lengths that disagree, or content beyond the length. */
export function inconsistentLength(message = 'The upload length indicated disagrees with the one recorded or with the content.'): ReturnType<typeof appError> {
  return appError('UPLOAD_LENGTH_INVALID', { message });
}

/**
 * Upload-Metadata on an IETF creation: not part of the drafts, accepted as a ferry extension
 * (same syntax as tus) so an IETF upload can carry `filename`, `filetype` and the `schema`
 * that starts a CSV import.
 */
export function readMetadataExtension(headers: Headers): UploadMetadata | undefined {
  const value = headers.get('upload-metadata');
  return value === null ? undefined : parseUploadMetadata(value);
}

export interface UploadLimits {
  /** FERRY_MAX_SIZE; 0 is no limit. */
  maxSize: number;
  /** How long the upload resource has left, if it expires. */
  lifetimeMs?: number;
}

/**
 * The Upload-Limit Dictionary: `max-size` (bytes) and the remaining lifetime in seconds
 * (`max-age`, or `expires` in interop 6). "If the server does not apply any limits, it MUST
 * use `min-size=0` instead of an empty header value."
 */
export function uploadLimitHeader(dialect: IetfDialect, { maxSize, lifetimeMs }: UploadLimits): string {
  const members: Array<readonly [string, number]> = [];
  if (maxSize > 0) members.push(['max-size', maxSize]);
  if (lifetimeMs !== undefined) members.push([dialect.lifetimeLimitKey, Math.max(0, Math.floor(lifetimeMs / 1000))]);
  return members.length > 0 ? serializeIntegerDictionary(members) : 'min-size=0';
}

/**
 * The IETF fields of an error response: `Upload-Complete: ?0` (the response is about the
 * upload, not from processing it) and, on 409, the correct offset: the response MUST
 * include it in the Upload-Offset header field.
 */
export function ietfErrorHeaders(error: AppError): Record<string, string> {
  const headers: Record<string, string> = { 'Upload-Complete': '?0' };
  const offset = error.details?.offset;
  if (typeof offset === 'number') headers['Upload-Offset'] = String(offset);
  return headers;
}
