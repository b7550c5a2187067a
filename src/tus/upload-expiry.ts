import type { Upload } from '@tus/utils';

/** When an unfinished upload expires (expiration extension), or undefined when it never does. */
export function uploadExpiresAt(upload: Upload, expirationMs: number): Date | undefined {
  if (expirationMs <= 0 || upload.creation_date === undefined) return undefined;
  return new Date(new Date(upload.creation_date).getTime() + expirationMs);
}

/**
 * The Upload-Expires value for a response about `upload` (RFC 7231 datetime), or
 * undefined: expiration is off, or the upload is finished (finished uploads do not expire).
 */
export function uploadExpiresHeader(upload: Upload, expirationMs: number): string | undefined {
  return isUploadFinished(upload) ? undefined : uploadExpiresAt(upload, expirationMs)?.toUTCString();
}

export function isUploadFinished(upload: Upload): boolean {
  return upload.size !== undefined && upload.offset === upload.size;
}
