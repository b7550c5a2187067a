import { randomUUID } from 'node:crypto';
import { link, mkdir, open, readdir, readFile, rename, unlink } from 'node:fs/promises';
import path from 'node:path';
import { isImportId } from './import-ids.js';
import type { ImportRecord } from './import-record.js';

/** The files of one import under `<dataDir>/imports/`. */
export interface ImportPaths {
  /** `<id>.json`: the ImportRecord, replaced atomically. */
  state: string;
  /** `<id>.errors.ndjson`: every error and warning entry, in order, each with its `kind`. */
  errors: string;
  /** `<id>.rejected.ndjson`: the file's header (`{"header": [...]}`), then each rejected row. */
  rejected: string;
}

export function importsDirectory(dataDir: string): string {
  return path.join(dataDir, 'imports');
}

/** Only for ids that passed isImportId. */
export function importPaths(directory: string, id: string): ImportPaths {
  const base = path.join(directory, id);
  return { state: `${base}.json`, errors: `${base}.errors.ndjson`, rejected: `${base}.rejected.ndjson` };
}

/**
 * Writes the record to a temporary file, fsyncs it and renames it over the old one: a reader
 * never sees half a file. The temporary file's name is the write's own, as processes sharing
 * the data dir may write one record at the same time.
 */
export async function writeImportRecord(directory: string, record: ImportRecord): Promise<void> {
  const file = importPaths(directory, record.id).state;
  const temporary = await writeTemporary(directory, file, record);
  await rename(temporary, file);
}

/**
 * Writes the record only when it has no file yet, exclusively across the processes sharing
 * the data dir (a hard link fails when the name exists, on NFS too): true when this write
 * made it, false when a record was there first.
 */
export async function createImportRecord(directory: string, record: ImportRecord): Promise<boolean> {
  const file = importPaths(directory, record.id).state;
  const temporary = await writeTemporary(directory, file, record);
  try {
    await link(temporary, file);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    await unlink(temporary).catch(() => undefined);
  }
}

/** The record, fsynced, in a temporary file beside `file`; returns its path. */
async function writeTemporary(directory: string, file: string, record: ImportRecord): Promise<string> {
  const temporary = `${file}.${randomUUID()}.tmp`;
  await mkdir(directory, { recursive: true });
  const handle = await open(temporary, 'w');
  try {
    await handle.writeFile(JSON.stringify(record));
    await handle.sync();
  } finally {
    await handle.close();
  }
  return temporary;
}

/** The stored record, or undefined when there is none. */
export async function readImportRecord(directory: string, id: string): Promise<ImportRecord | undefined> {
  try {
    return JSON.parse(await readFile(importPaths(directory, id).state, 'utf8')) as ImportRecord;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** The ids of every stored import. */
export async function listImportIds(directory: string): Promise<string[]> {
  let entries: string[];
  try {
    entries = await readdir(directory);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  return entries
    .filter((entry) => entry.endsWith('.json'))
    .map((entry) => entry.slice(0, -'.json'.length))
    .filter(isImportId);
}
