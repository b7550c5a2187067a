import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { TestContext } from 'node:test';
import { Upload } from '@tus/utils';
import Database from 'better-sqlite3';
import type supertest from 'supertest';
import type { SchemaDefinition } from '../../src/csv/types.js';
import type { ImportRecord } from '../../src/imports/index.js';
import { FerryStore } from '../../src/store/index.js';
import { makeTempDir } from '../support/temp-dir.js';
import { waitFor } from '../support/tus-requests.js';

/** People: no primary key, so an import that ran twice would show every row twice. */
export function peopleSchema(name = 'people', table = name): SchemaDefinition {
  return {
    name,
    table,
    title: 'People',
    columns: [
      { name: 'id', type: 'integer', required: true },
      { name: 'name', type: 'string', required: true },
      { name: 'score', type: 'number', minimum: 0 },
    ],
  };
}

/** A fresh schemas directory holding one JSON file per definition. */
export async function writeSchemasDir(definitions: SchemaDefinition[]): Promise<string> {
  const directory = path.join(await makeTempDir('ferry-schemas-'), 'schemas');
  await mkdir(directory);
  await Promise.all(definitions.map((definition) => writeFile(path.join(directory, `${definition.name}.json`), JSON.stringify(definition))));
  return directory;
}

/** `rows` good people (ids from 1) after the header. */
export function peopleCsv(rows: number): string {
  const lines = ['id,name,score'];
  for (let id = 1; id <= rows; id += 1) lines.push(`${id},person ${id},${id % 100}`);
  return `${lines.join('\n')}\n`;
}

const FINISHED = new Set(['succeeded', 'failed']);

/** Polls GET /imports/:id until the import has finished (or the deadline passes). */
export async function waitForImport(http: () => supertest.Agent, id: string, timeoutMs = 30_000): Promise<ImportRecord> {
  let state: ImportRecord | undefined;
  await waitFor(
    `import ${id} to finish`,
    async () => {
      const response = await http().get(`/imports/${id}`);
      if (response.status === 404) return false;
      assert.equal(response.status, 200, response.text);
      state = response.body as ImportRecord;
      return FINISHED.has(state.status);
    },
    timeoutMs,
  );
  return state!;
}

/** Every row of `table` in the SQLite import database of `dataDir`, ordered by id. */
export function sqliteRows(dataDir: string, table: string): Record<string, unknown>[] {
  const db = new Database(path.join(dataDir, 'imports.sqlite'), { readonly: true });
  try {
    return db.prepare(`SELECT * FROM "${table}" ORDER BY id`).all() as Record<string, unknown>[];
  } finally {
    db.close();
  }
}

/** How many rows `table` of the SQLite import database of `dataDir` has. */
export function sqliteCount(dataDir: string, table: string): number {
  const db = new Database(path.join(dataDir, 'imports.sqlite'), { readonly: true });
  try {
    return Number((db.prepare(`SELECT count(*) AS n FROM "${table}"`).get() as { n: number | bigint }).n);
  } finally {
    db.close();
  }
}

/** A store on `directory` (as ferry makes it), shut down after the test. */
export function openStore(t: TestContext, directory: string): FerryStore {
  const store = new FerryStore({
    directory,
    expirationMs: 0,
    syncIntervalMs: 1000,
    syncAlways: false,
    queueCapacity: 8,
    coalesceBytes: 1024 * 1024,
    idleCloseMs: 30_000,
  });
  t.after(() => store.shutdown());
  return store;
}

/** A finished upload of `content` in `store`, with `metadata`. */
export async function storeUpload(store: FerryStore, id: string, content: string | Buffer, metadata: Record<string, string> = {}): Promise<Upload> {
  const bytes = Buffer.from(content);
  await store.create(new Upload({ id, size: bytes.length, offset: 0, metadata }));
  const result = await store.append([bytes], id, 0, bytes.length);
  assert.equal(result.finished, true);
  return store.getUpload(id);
}
