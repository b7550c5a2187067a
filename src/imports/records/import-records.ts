import { appError } from '../../errors/catalogue.js';
import { createImportRecord, type ImportPaths, importPaths, listImportIds, readImportRecord, writeImportRecord } from './import-files.js';
import { isImportId } from './import-ids.js';
import type { ImportRecord } from './import-record.js';

/**
 * The imports' records: each one a JSON file, written atomically, so it survives a
 * restart. While an import is queued or running in this process, its record is also held
 * in memory ("live"), where the runner changes it and GET reads it as it is now.
 */
export interface ImportRecords {
  /**
   * The import's state, a copy: live while it is queued or running here, else from disk;
   * IMPORT_NOT_FOUND otherwise, also for an id of any other shape (nothing walks a path).
   */
  find(id: string): Promise<ImportRecord>;
  /** The stored record, or undefined when there is none; for ids this module made, never ones from a request. */
  read(id: string): Promise<ImportRecord | undefined>;
  /** The ids of every stored import. */
  list(): Promise<string[]>;
  /** Writes the record after any earlier write of it, so the last state always wins. */
  save(record: ImportRecord): Promise<void>;
  /**
   * Writes a new record unless one is stored already, also by another process on the shared
   * data dir at the same moment: the first write wins, and only it resolves true.
   */
  create(record: ImportRecord): Promise<boolean>;
  /** Holds the record in memory until `release`: from then on, `find` and `live` see its changes at once. */
  hold(record: ImportRecord): void;
  /** The held record itself (not a copy), or undefined. */
  live(id: string): ImportRecord | undefined;
  release(id: string): void;
  /** The files of one import. */
  paths(id: string): ImportPaths;
  /** Waits for every write begun so far. */
  settled(): Promise<void>;
}

/** The records under `directory` (`<dataDir>/imports/`). */
export function createImportRecords(directory: string): ImportRecords {
  const held = new Map<string, ImportRecord>();
  const saving = new Map<string, Promise<void>>();

  return {
    async find(id) {
      const live = held.get(id);
      if (live !== undefined) return structuredClone(live);
      const stored = isImportId(id) ? await readImportRecord(directory, id) : undefined;
      if (stored === undefined) throw appError('IMPORT_NOT_FOUND');
      return stored;
    },
    read: (id) => readImportRecord(directory, id),
    list: () => listImportIds(directory),
    save(record) {
      const next = (saving.get(record.id) ?? Promise.resolve()).catch(() => undefined).then(() => writeImportRecord(directory, record));
      saving.set(record.id, next);
      next.then(
        () => (saving.get(record.id) === next ? saving.delete(record.id) : undefined),
        () => undefined,
      );
      return next;
    },
    create: (record) => createImportRecord(directory, record),
    hold(record) {
      held.set(record.id, record);
    },
    live: (id) => held.get(id),
    release(id) {
      held.delete(id);
    },
    paths: (id) => importPaths(directory, id),
    async settled() {
      await Promise.allSettled([...saving.values()]);
    },
  };
}
