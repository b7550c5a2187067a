import { constants } from 'node:fs';
import { mkdir, open, readdir, rename, rm, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Upload as TusUpload } from '@tus/utils';
import { appError } from '../errors/catalogue.js';
import type { Upload, UploadConcat } from '../uploads/upload.js';
import { NO_FENCE, type WriteFence } from '../uploads/upload-store.js';
import { openUploadFile, statUploadFile } from './safe-open.js';
import { errnoCode, toStoreError } from './store-errors.js';
import { isUploadConcat } from './upload-concat.js';
import type { UploadInfoCache } from './upload-info-cache.js';
import { type UploadPaths, uploadIdOfInfoFile } from './upload-paths.js';

/**
 * What `<id>.json` holds: what the data file cannot tell. There is no offset in it: the
 * data file's size is the offset, so the truth on disk wins after any crash.
 */
export interface UploadInfo {
  id: string;
  /** Absent while the length is deferred. */
  size?: number;
  /** Upload-Metadata decoded as UTF-8 text (what ferry reads: filename, schema, …). */
  metadata?: Record<string, string | null>;
  /** Upload-Metadata's Base64 values as the client sent them, so HEAD returns them byte-exact. */
  encodedMetadata?: Record<string, string | null>;
  creation_date: string;
  /** 'ietf' for an IETF resumable upload; absent for tus (every upload made before IETF support is tus). */
  protocol?: 'ietf';
  /** Set when the upload is part of a concatenation (partial) or made by one (final). */
  concat?: UploadConcat;
  /** Who the upload belongs to (see Upload.owner); absent for an upload created anonymously. */
  owner?: string;
}

/** An upload's state: what its info file says and how many bytes its data file holds. */
export interface StoredUpload {
  info: UploadInfo;
  offset: number;
}

/** What `<id>.json` records of a new upload (its offset is its data file's size). */
export function uploadInfoOf(upload: Upload): UploadInfo {
  const info: UploadInfo = {
    id: upload.id,
    size: upload.size,
    metadata: upload.metadata,
    encodedMetadata: upload.encodedMetadata,
    creation_date: upload.createdAt,
    concat: upload.concat,
  };
  if (upload.protocol === 'ietf') info.protocol = 'ietf';
  if (upload.owner !== undefined) info.owner = upload.owner;
  return info;
}

/** A fresh `Upload` each call: callers may change the object they are given. */
export function toUpload(info: UploadInfo, offset: number): Upload {
  const upload: Upload = { id: info.id, offset, protocol: info.protocol ?? 'tus', createdAt: info.creation_date };
  if (info.size !== undefined) upload.size = info.size;
  if (info.metadata !== undefined) upload.metadata = { ...info.metadata };
  if (info.encodedMetadata !== undefined) upload.encodedMetadata = { ...info.encodedMetadata };
  if (info.concat !== undefined) upload.concat = info.concat;
  if (info.owner !== undefined) upload.owner = info.owner;
  return upload;
}

/** The same upload as @tus/utils' `Upload` (the DataStore contract), a fresh one each call. */
export function toTusUpload(info: UploadInfo, offset: number, dataPath: string): TusUpload {
  return new TusUpload({
    id: info.id,
    size: info.size,
    offset,
    metadata: info.metadata === undefined ? undefined : { ...info.metadata },
    creation_date: info.creation_date,
    storage: { type: 'file', path: dataPath },
  });
}

/** Creates an upload's files: the empty data file exclusively (nothing is ever overwritten), then its info file. */
export async function createUploadFiles(paths: UploadPaths, info: UploadInfo, cache: UploadInfoCache): Promise<void> {
  try {
    await (await open(paths.data, 'wx')).close();
  } catch (error) {
    throw toStoreError(error, info.id);
  }
  try {
    await writeUploadInfo(paths, info, cache);
  } catch (error) {
    await rm(paths.data, { force: true });
    throw error;
  }
}

let temporaryFiles = 0;

/**
 * Replaces `<id>.json` atomically: a temp file beside it (its name never parses as an
 * upload) is written, fsynced and renamed over it, so a crash leaves the old or the new.
 */
export async function writeUploadInfo(paths: UploadPaths, info: UploadInfo, cache: UploadInfoCache): Promise<void> {
  temporaryFiles += 1;
  const temporary = `${paths.info}.${process.pid}-${temporaryFiles}.tmp`;
  try {
    // One call: open, write, fsync (flush), close.
    await writeFile(temporary, JSON.stringify(info), { flag: 'wx', flush: true });
    await rename(temporary, paths.info);
    cache.set(info);
  } catch (error) {
    await rm(temporary, { force: true });
    throw toStoreError(error, info.id);
  }
}

/**
 * An info file is a few hundred bytes (Upload-Metadata is bounded by the request header
 * size); anything far larger is not ferry's, and is not read into memory.
 */
const MAX_INFO_BYTES = 1024 * 1024;

/** `<id>.json`, opened safely (see openUploadFile); one that is not valid is UPLOAD_INFO_DAMAGED. */
export async function readUploadInfo(paths: UploadPaths, id: string, cache: UploadInfoCache): Promise<UploadInfo> {
  const cached = cache.get(id);
  if (cached !== undefined) return cached;
  const handle = await openUploadFile(paths.info, constants.O_RDONLY, id);
  let text: string;
  try {
    if ((await handle.stat()).size > MAX_INFO_BYTES) throw damagedInfo(id);
    text = await handle.readFile('utf8');
  } catch (error) {
    throw toStoreError(error, id);
  } finally {
    await handle.close();
  }
  const info = parseUploadInfo(text, id);
  cache.set(info);
  return info;
}

/** A closed upload's state from disk: its info file, and the data file's size as the offset. */
export async function readStoredUpload(paths: UploadPaths, id: string, cache: UploadInfoCache): Promise<StoredUpload> {
  const [info, stats] = await Promise.all([readUploadInfo(paths, id, cache), statUploadFile(paths.data, id)]);
  return { info, offset: stats.size };
}

/**
 * Deletes an upload's files, the info file first so readers stop seeing it at once, each
 * unlink right after `fence` (which stops it by throwing). False if it had none.
 */
export async function deleteUploadFiles(paths: UploadPaths, id: string, cache: UploadInfoCache, fence: WriteFence = NO_FENCE): Promise<boolean> {
  cache.delete(id);
  fence();
  const existed = await unlinkIfPresent(paths.info, id);
  fence();
  await unlinkIfPresent(paths.data, id);
  return existed;
}

/** Where the expiry sweep moves damaged uploads: out of the way, kept for an operator to look at. */
export const QUARANTINE_DIRECTORY = 'quarantine';

/**
 * Moves an upload's files (the info file first) into `<directory>/quarantine/`, as they
 * are: a symlink is moved, never followed. Resolves with where they went.
 */
export async function quarantineUploadFiles(directory: string, paths: UploadPaths, id: string, cache: UploadInfoCache): Promise<string> {
  cache.delete(id);
  const quarantine = path.join(directory, QUARANTINE_DIRECTORY);
  try {
    await mkdir(quarantine, { recursive: true });
    for (const file of [paths.info, paths.data]) {
      await rename(file, path.join(quarantine, path.basename(file))).catch((error: unknown) => {
        if (errnoCode(error) !== 'ENOENT') throw error;
      });
    }
  } catch (error) {
    throw toStoreError(error, id);
  }
  return quarantine;
}

/** The ids of every upload in `directory` that has an info file. */
export async function listUploadIds(directory: string): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(directory);
  } catch (error) {
    throw toStoreError(error);
  }
  const ids: string[] = [];
  for (const name of names) {
    const id = uploadIdOfInfoFile(name);
    if (id !== undefined) ids.push(id);
  }
  return ids;
}

async function unlinkIfPresent(file: string, id: string): Promise<boolean> {
  try {
    await unlink(file);
    return true;
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return false;
    throw toStoreError(error, id);
  }
}

/** Accepts any JSON with our fields (extra ones, such as @tus/file-store's, are ignored). */
function parseUploadInfo(text: string, id: string): UploadInfo {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw damagedInfo(id, error);
  }
  if (!isRecord(value) || value.id !== id || typeof value.creation_date !== 'string') throw damagedInfo(id);
  const { size, metadata, encodedMetadata, protocol, concat, owner } = value;
  if (size !== undefined && !(Number.isSafeInteger(size) && (size as number) >= 0)) throw damagedInfo(id);
  if (metadata !== undefined && !isMetadata(metadata)) throw damagedInfo(id);
  if (encodedMetadata !== undefined && !isMetadata(encodedMetadata)) throw damagedInfo(id);
  if (protocol !== undefined && protocol !== 'ietf') throw damagedInfo(id);
  if (concat !== undefined && !isUploadConcat(concat)) throw damagedInfo(id);
  if (owner !== undefined && typeof owner !== 'string') throw damagedInfo(id);
  const info: UploadInfo = { id, size: size as number | undefined, metadata, encodedMetadata, creation_date: value.creation_date, concat };
  if (protocol === 'ietf') info.protocol = 'ietf';
  if (owner !== undefined) info.owner = owner;
  return info;
}

function damagedInfo(id: string, cause?: unknown) {
  return appError('UPLOAD_INFO_DAMAGED', { cause, details: { uploadId: id } });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isMetadata(value: unknown): value is Record<string, string | null> {
  return isRecord(value) && Object.values(value).every((entry) => entry === null || typeof entry === 'string');
}
