import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { makeTempDir } from '../support/temp-dir.js';

export const REPO = path.resolve(import.meta.dirname, '../..');

let tables = 0;

/** A table name no other test or test process uses (PostgreSQL is shared). */
export function uniqueTable(prefix = 'cli_import'): string {
  tables += 1;
  return `${prefix}_${process.pid}_${tables}`;
}

/** A small schema: id (integer key), name (required), age (integer >= 0). */
export function peopleSchema(table = uniqueTable()): Record<string, unknown> {
  return {
    name: 'people',
    table,
    primaryKey: ['id'],
    columns: [
      { name: 'id', type: 'integer' },
      { name: 'name', type: 'string', required: true },
      { name: 'age', type: 'integer', minimum: 0 },
    ],
  };
}

export const CLEAN_CSV = 'id,name,age\n1,Ada,36\n2,Linus,28\n3,Grace,85\n';

/**
 * Three bad rows among good ones. The quoted newline in row 3 makes every later record
 * start one physical line below its row number.
 */
export const BAD_CSV = ['id,name,age', '1,Ada,36', '2,"Linus', 'Torvalds",28', '3,Grace,twenty', '4,,85', '5,Bob,-1', '6,Alan,41', ''].join('\n');

export interface Workspace {
  dir: string;
  dataDir: string;
  /** Writes `content` (a string, or an object as JSON) to `<dir>/<name>` and returns the path. */
  write(name: string, content: string | object): Promise<string>;
}

/** A fresh temp dir with a data dir inside. */
export async function makeWorkspace(): Promise<Workspace> {
  const dir = await makeTempDir('ferry-cli-');
  return {
    dir,
    dataDir: path.join(dir, 'data'),
    async write(name, content) {
      const file = path.join(dir, name);
      await writeFile(file, typeof content === 'string' ? content : JSON.stringify(content));
      return file;
    },
  };
}
