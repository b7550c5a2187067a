import { AppError, type AppErrorOptions } from './app-error.js';

/**
 * Every error code ferry sends, with its HTTP status and plain message, declared
 * together in one place. The README's error table is checked against this list.
 */
export const ERROR_CATALOGUE = {
  // uploads (tus)
  UPLOAD_NOT_FOUND: { status: 404, message: 'The upload does not exist.' },
  UPLOAD_GONE: { status: 410, message: 'The upload has expired or was terminated.' },
  UPLOAD_OFFSET_MISMATCH: { status: 409, message: 'Upload-Offset does not match the current offset of the upload.' },
  UPLOAD_OFFSET_INVALID: { status: 400, message: 'Upload-Offset is missing or not a non-negative integer.' },
  UPLOAD_LENGTH_INVALID: { status: 400, message: 'Upload-Length is missing, invalid or in conflict with the upload.' },
  UPLOAD_LENGTH_EXCEEDED: { status: 413, message: 'The request body goes beyond the declared Upload-Length.' },
  UPLOAD_TOO_LARGE: { status: 413, message: 'The upload is larger than the server accepts (Tus-Max-Size).' },
  UPLOAD_CONTENT_TYPE_INVALID: { status: 415, message: 'PATCH requests must have Content-Type: application/offset+octet-stream.' },
  UPLOAD_HEADER_INVALID: { status: 400, message: 'A tus request header is invalid.' },
  UPLOAD_METADATA_INVALID: { status: 400, message: 'Upload-Metadata is malformed.' },
  UPLOAD_NOT_FINISHED: { status: 409, message: 'The upload is not finished yet, so it cannot be downloaded.' },
  UPLOAD_TERMINATION_FORBIDDEN: { status: 403, message: 'Finished uploads cannot be terminated.' },
  UPLOAD_LOCKED: { status: 423, message: 'Another request holds the lock on this upload.' },
  UPLOAD_CHECKSUM_MISMATCH: { status: 460, message: 'The body does not match its Upload-Checksum; it was discarded and the offset did not move.' },
  UPLOAD_CHECKSUM_ALGORITHM_UNSUPPORTED: { status: 400, message: 'The Upload-Checksum algorithm is not supported (see Tus-Checksum-Algorithm).' },
  UPLOAD_CHECKSUM_INVALID: { status: 400, message: 'Upload-Checksum is malformed: "<algorithm> <Base64 digest>" is expected.' },
  UPLOAD_ABORTED: { status: 400, message: 'The request was aborted before its body arrived.' },
  UPLOAD_STORE_FAILED: { status: 500, message: 'The server could not store the data.' },
  UPLOAD_INFO_DAMAGED: {
    status: 410,
    message: "The upload's info file is damaged (empty, truncated or not ferry's), so the upload can no longer be resumed or downloaded; DELETE removes it.",
  },
  UPLOAD_FILE_UNSAFE: {
    status: 410,
    message: 'A file of the upload is not a regular file of the data directory (a symlink, for one), so it is never opened; DELETE removes it.',
  },
  UPLOAD_CONCAT_INVALID: {
    status: 400,
    message: 'Upload-Concat must be "partial", or "final;" and the space-separated URLs of partial uploads on this server.',
  },
  UPLOAD_CONCAT_PART_NOT_FOUND: { status: 404, message: 'An upload named in Upload-Concat does not exist.' },
  UPLOAD_CONCAT_NOT_PARTIAL: { status: 400, message: 'An upload named in Upload-Concat was not created as a partial upload (Upload-Concat: partial).' },
  UPLOAD_FINAL_IMMUTABLE: { status: 403, message: 'A final upload is built from its partial uploads: it takes no data of its own.' },
  UPLOAD_PARTIAL_IN_USE: { status: 409, message: 'The partial upload is part of a final upload that is not assembled yet; terminate the final upload first.' },
  UPLOAD_EXTENSION_UNSUPPORTED: { status: 501, message: 'This tus extension is not supported.' },
  TUS_VERSION_UNSUPPORTED: { status: 412, message: 'The Tus-Resumable version is missing or not supported.' },
  // uploads (IETF resumable uploads, src/protocols/ietf/)
  UPLOAD_PROTOCOL_MISMATCH: {
    status: 409,
    message: 'The upload was created with the other protocol (tus or IETF resumable uploads); resume it with that one.',
  },
  UPLOAD_INTEROP_VERSION_UNSUPPORTED: {
    status: 400,
    message: 'Upload-Draft-Interop-Version names a draft version this server does not speak (it speaks 6 and 8).',
  },
  UPLOAD_COMPLETE_INVALID: { status: 400, message: 'Upload-Complete is missing or not a structured-field boolean (?0 or ?1).' },
  UPLOAD_ALREADY_COMPLETE: { status: 400, message: 'The upload is already complete: nothing more can be appended.' },
  UPLOAD_HEADER_NOT_ALLOWED: { status: 400, message: 'This request must not carry Upload-Offset, Upload-Complete or Upload-Length (interop version 6).' },
  // authentication (src/auth/, FERRY_AUTH) and the action claims checked by src/http/authorize.ts
  AUTH_REQUIRED: { status: 401, message: 'This request needs a credential: Authorization: Bearer <token>.' },
  AUTH_INVALID: { status: 401, message: 'The token is malformed, forged, or not accepted by this server.' },
  AUTH_EXPIRED: { status: 401, message: 'The token has expired.' },
  AUTH_KEYS_UNAVAILABLE: { status: 503, message: 'The keys that verify tokens (FERRY_JWKS_URL) cannot be fetched.' },
  AUTH_FORBIDDEN: { status: 403, message: 'The token does not allow this action (its ferry_actions claim).' },
  AUTH_SCHEMA_FORBIDDEN: { status: 403, message: 'The token does not allow this import schema (its ferry_schemas claim).' },
  AUTH_UPLOAD_TOO_LARGE: { status: 413, message: 'The upload is larger than the token allows (its ferry_max_size claim).' },
  AUTH_LENGTH_REQUIRED: {
    status: 411,
    message: 'The token limits the upload size (ferry_max_size): declare the length when creating the upload (Upload-Length).',
  },
  // the authorization hook (FERRY_AUTH=hook, src/auth/hook-*.ts); a denial carries the hook's own 4xx status and message
  AUTH_HOOK_DENIED: { status: 403, message: 'The authorization hook refused this request.' },
  AUTH_HOOK_UNAVAILABLE: { status: 503, message: 'The authorization hook cannot be reached or gave no usable answer; retry after Retry-After seconds.' },
  // aggregator
  AGG_CLOSED: { status: 503, message: 'The writer is closed.' },
  AGG_WRITE_FAILED: { status: 500, message: 'Writing a chunk failed.' },
  // limits (src/limits): quotas per owner, the disk guard, rate limits, /metrics
  QUOTA_BYTES_EXCEEDED: {
    status: 403,
    message: "The owner's uploads would take more bytes than its quota (FERRY_QUOTA_BYTES); delete some first.",
  },
  QUOTA_UPLOADS_EXCEEDED: {
    status: 403,
    message: 'The owner has as many unfinished uploads as its quota allows (FERRY_QUOTA_UPLOADS); finish or delete some first.',
  },
  DISK_FULL: {
    status: 507,
    message: 'The server is short of disk space (FERRY_MIN_FREE_BYTES): what arrived is kept; try again later from Upload-Offset.',
  },
  RATE_REQUESTS_EXCEEDED: { status: 429, message: 'Too many requests (FERRY_RATE_REQUESTS_PER_SECOND); retry after Retry-After seconds.' },
  RATE_CREATES_EXCEEDED: { status: 429, message: 'Too many uploads created (FERRY_RATE_CREATES_PER_MINUTE); retry after Retry-After seconds.' },
  RATE_CONCURRENT_PATCHES_EXCEEDED: {
    status: 429,
    message: 'Too many uploads written at once (FERRY_RATE_CONCURRENT_PATCHES); retry once one of them is done.',
  },
  RATE_AUTH_FAILURES: { status: 429, message: 'Too many failed authentications from this address; retry after Retry-After seconds.' },
  METRICS_AUTH_REQUIRED: { status: 401, message: '/metrics needs Authorization: Bearer with the metrics token (FERRY_METRICS_TOKEN).' },
  // http
  HTTP_NOT_FOUND: { status: 404, message: 'No such route.' },
  HTTP_METHOD_NOT_ALLOWED: { status: 405, message: 'The method is not allowed on this route.' },
  HTTP_RANGE_NOT_SATISFIABLE: { status: 416, message: 'The requested range is outside the file.' },
  HTTP_SHUTTING_DOWN: { status: 503, message: 'The server is shutting down.' },
  INTERNAL_ERROR: { status: 500, message: 'Internal server error.' },
  // signed download links
  LINK_INVALID: { status: 403, message: 'The download link is not valid: its signature does not match its upload and expiry.' },
  LINK_EXPIRED: { status: 403, message: 'The download link has expired: ask for a new one (POST /files/<id>/link).' },
  // imports
  IMPORT_TABLE_MISMATCH: { status: 409, message: 'The import table exists with other columns, types or primary key than the schema declares.' },
  IMPORT_VALUE_INVALID: { status: 422, message: 'A value does not fit its database column.' },
  IMPORT_TRANSACTION_CLOSED: { status: 500, message: 'The import transaction is already committed or rolled back.' },
  IMPORT_DATABASE_FAILED: { status: 503, message: 'The import database failed or cannot be reached.' },
  IMPORT_NOT_FOUND: { status: 404, message: 'The import does not exist.' },
  IMPORT_SCHEMA_UNKNOWN: { status: 404, message: 'No import schema has this name (see GET /schemas).' },
  IMPORT_REQUEST_INVALID: { status: 400, message: 'The import request is invalid.' },
  IMPORT_NOT_CSV: { status: 422, message: 'The upload is not a CSV file: its first KiB holds binary data (NUL bytes).' },
  IMPORT_EMPTY_FILE: { status: 422, message: 'The upload is empty: it has no header row.' },
  IMPORT_FILE_REJECTED: { status: 422, message: "The header (or type row) does not match the schema, so no row was read; see the import's errors." },
  IMPORT_INTERRUPTED: { status: 500, message: 'The import was interrupted twice (the server stopped while it ran) and is not tried again.' },
  IMPORT_SERVICE_CLOSED: { status: 503, message: 'The import service is closed: it takes no new imports while the server stops.' },
  // cluster
  REDIS_UNAVAILABLE: {
    status: 503,
    message: 'Redis (upload locks, shared limits) cannot be reached, so nothing was written; retry after Retry-After seconds.',
  },
  LOCK_LOST: {
    status: 503,
    message: "The request lost its upload's lock (a long pause, or Redis out of reach) and stopped writing; ask for the offset (HEAD) and resume.",
  },
  NOT_READY: {
    status: 503,
    message: 'This instance cannot serve yet: a dependency it needs (Redis, the import database) does not answer, or it is shutting down.',
  },
  // config
  CONFIG_INVALID: { status: 500, message: 'The configuration is invalid.' },
  // csv schemas
  SCHEMA_INVALID: { status: 500, message: 'A CSV import schema is invalid.' },
  CSV_VALUE_INVALID: { status: 500, message: 'A value does not fit its column, so it cannot be written as CSV.' },
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorCode = keyof typeof ERROR_CATALOGUE;

/** Builds the catalogued error for `code`; `message` overrides the default text. */
export function appError(code: ErrorCode, options: AppErrorOptions & { message?: string } = {}): AppError {
  const entry = ERROR_CATALOGUE[code];
  return new AppError(code, entry.status, options.message ?? entry.message, options);
}
