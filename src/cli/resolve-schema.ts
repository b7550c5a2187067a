import { loadSchemaFile, loadSchemasDir } from '../csv/schema/index.js';
import type { Schema } from '../csv/types.js';
import { usageError } from './command-args.js';

/** `--schema` names a file when it ends in `.json` or contains a `/`; otherwise a schema in the schemas dir. */
export function isSchemaPath(reference: string): boolean {
  return reference.endsWith('.json') || reference.includes('/');
}

/**
 * The schema `--schema` refers to. A bad file (or a bad schemas dir) is SCHEMA_INVALID with
 * every problem; an unknown name is a usage error that lists the names there are.
 */
export async function resolveSchema(reference: string, schemasDir: string): Promise<Schema> {
  if (isSchemaPath(reference)) return loadSchemaFile(reference);
  const registry = await loadSchemasDir(schemasDir);
  const schema = registry.get(reference);
  if (schema !== undefined) return schema;
  const known = registry.list().map((candidate) => candidate.name);
  const hint = known.length > 0 ? `known: ${known.join(', ')}` : 'it has no schemas';
  throw usageError(`unknown schema "${reference}" in ${schemasDir} (${hint}; or give a path to a .json file)`);
}
