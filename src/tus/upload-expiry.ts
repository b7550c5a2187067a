import type { Upload } from '@tus/utils';

/** When an unfinished upload expires (expiration extension), or undefined when it never does. */
export function uploadExpiresAt(upload: Upload, expirationMs: number): Date | undefined {
  if (expirationMs <= 0 || upload.creation_date === undefined) return undefined;
  return new Date(new Date(upload.creation_date).getTime() + expirationMs);
}

export function isUploadFinished(upload: Upload): boolean {
  return upload.size !== undefined && upload.offset === upload.size;
}
