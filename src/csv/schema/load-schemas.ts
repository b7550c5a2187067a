import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Schema, SchemaDefinition } from '../types.js';
import { buildSchema } from './build-schema.js';
import { checkSchemaDefinition } from './check-definition.js';
import { type SchemaProblem, schemaInvalid } from './schema-problem.js';
import { createSchemaRegistry, type SchemaRegistry } from './schema-registry.js';

type FileReading = { schema: Schema; problems: [] } | { schema: undefined; problems: SchemaProblem[] };

function systemCode(error: unknown): string {
  return (error as NodeJS.ErrnoException).code ?? 'unknown error';
}

/** One JSON schema file: the schema, or every problem in it (each naming the file). */
async function readSchemaFile(file: string): Promise<FileReading> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    return { schema: undefined, problems: [{ file, path: '', message: `cannot be read (${systemCode(error)})` }] };
  }
  let definition: unknown;
  try {
    definition = JSON.parse(text);
  } catch (error) {
    return { schema: undefined, problems: [{ file, path: '', message: `is not valid JSON (${(error as Error).message})` }] };
  }
  const problems = checkSchemaDefinition(definition, { allowFunctions: false });
  if (problems.length > 0) return { schema: undefined, problems: problems.map((problem) => ({ file, ...problem })) };
  return { schema: buildSchema(definition as SchemaDefinition), problems: [] };
}

/**
 * A schema from a JSON file: the shape of SchemaDefinition without parse/format. Unknown
 * keys are problems; all problems come in one SCHEMA_INVALID (details.problems with `file`).
 */
export async function loadSchemaFile(file: string): Promise<Schema> {
  const reading = await readSchemaFile(file);
  if (reading.schema === undefined) throw schemaInvalid(reading.problems);
  return reading.schema;
}

/**
 * Every `*.json` in `dir` (FERRY_SCHEMAS_DIR), checked together: one SCHEMA_INVALID lists
 * every problem of every file, and two files declaring one name. A missing directory
 * gives an empty registry.
 */
export async function loadSchemasDir(dir: string): Promise<SchemaRegistry> {
  let entries: string[];
  try {
    entries = await readdir(dir);
  } catch (error) {
    if (systemCode(error) === 'ENOENT') return createSchemaRegistry([]);
    throw schemaInvalid([{ file: dir, path: '', message: `cannot be read as a directory (${systemCode(error)})` }]);
  }
  const files = entries
    .filter((entry) => entry.endsWith('.json'))
    .sort()
    .map((entry) => join(dir, entry));
  const readings = await Promise.all(files.map(readSchemaFile));
  const problems = readings.flatMap((reading) => reading.problems);
  const firstFile = new Map<string, string>();
  readings.forEach((reading, index) => {
    if (reading.schema === undefined) return;
    const earlier = firstFile.get(reading.schema.name);
    if (earlier === undefined) firstFile.set(reading.schema.name, files[index]);
    else problems.push({ file: files[index], path: 'name', message: `"${reading.schema.name}" is already the name of the schema in ${earlier}` });
  });
  if (problems.length > 0) throw schemaInvalid(problems);
  return createSchemaRegistry(readings.flatMap((reading) => (reading.schema === undefined ? [] : [reading.schema])));
}
