import { randomBytes } from 'node:crypto';

/** Where uploads live in the URL space (both protocols). */
export const UPLOADS_PATH = '/files';

/**
 * Upload ids are 32 lowercase hex digits from the CSPRNG: nothing to decode, nothing that
 * walks a path. The one rule for ids in URLs (the store checks its own, broader, file-name rule).
 */
const UPLOAD_ID = /^[0-9a-f]{32}$/;

export function createUploadId(): string {
  return randomBytes(16).toString('hex');
}

export function isUploadId(value: string | undefined): value is string {
  return value !== undefined && UPLOAD_ID.test(value);
}

/**
 * An upload's URL, for Location: under `publicUrl` (configured, no trailing slash), or
 * relative when it is empty. Never from Host or X-Forwarded-*: a spoofed header would
 * redirect clients.
 */
export function uploadUrl(publicUrl: string, id: string): string {
  return `${publicUrl}${UPLOADS_PATH}/${id}`;
}

/**
 * The upload id in a pathname `<basePath>/<id>`, taken raw (not percent-decoded): any
 * other shape, `..`, `%2e%2e`, `%2F`, `%5C` and `%00` included, has no id.
 */
export function uploadIdFromPath(pathname: string, basePath: string): string | undefined {
  const prefix = `${basePath}/`;
  if (!pathname.startsWith(prefix)) return undefined;
  const id = pathname.slice(prefix.length);
  return isUploadId(id) ? id : undefined;
}
