import path from 'node:path';
import { appError } from '../errors/catalogue.js';

/** The only ids ever turned into a path: no dots, no separators, nothing to decode. */
const STORABLE_ID = /^[A-Za-z0-9_-]{1,128}$/;

const INFO_SUFFIX = '.json';

/** Where an upload lives: its data file (named by the id; its size is the offset) and `<id>.json`. */
export interface UploadPaths {
  data: string;
  info: string;
}

/**
 * Whether `value` can name an upload's files. Broader than ferry's own ids (isUploadId in
 * src/uploads/upload-id.ts): a stock @tus/server on this store names uploads its own way.
 */
export function isStorableUploadId(value: unknown): value is string {
  return typeof value === 'string' && STORABLE_ID.test(value);
}

/**
 * The files of upload `id` in `directory`. Any id outside `[A-Za-z0-9_-]{1,128}` (`..`,
 * `%2e%2e`, `/`, `\`, NUL, empty, too long) is UPLOAD_NOT_FOUND, decided before any
 * filesystem call, so no id can reach outside the directory.
 */
export function resolveUploadPaths(directory: string, id: string): UploadPaths {
  if (!isStorableUploadId(id)) throw appError('UPLOAD_NOT_FOUND');
  const data = path.join(directory, id);
  return { data, info: data + INFO_SUFFIX };
}

/** The upload id an entry of the data directory names as an info file, if it is one. */
export function uploadIdOfInfoFile(fileName: string): string | undefined {
  if (!fileName.endsWith(INFO_SUFFIX)) return undefined;
  const id = fileName.slice(0, -INFO_SUFFIX.length);
  return isStorableUploadId(id) ? id : undefined;
}
