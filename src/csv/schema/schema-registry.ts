import type { Schema } from '../types.js';
import { type SchemaProblem, schemaInvalid } from './schema-problem.js';

/** The schemas the server knows, by name. */
export interface SchemaRegistry {
  /** The schema called `name`, or undefined (callers answer 404 / fail the import). */
  get(name: string): Schema | undefined;
  /** Every schema, sorted by name. */
  list(): Schema[];
}

/** A registry over `schemas`; two schemas with one name are SCHEMA_INVALID. */
export function createSchemaRegistry(schemas: readonly Schema[]): SchemaRegistry {
  const byName = new Map<string, Schema>();
  const problems: SchemaProblem[] = [];
  for (const schema of schemas) {
    if (byName.has(schema.name)) problems.push({ path: 'name', message: `"${schema.name}" names two schemas` });
    else byName.set(schema.name, schema);
  }
  if (problems.length > 0) throw schemaInvalid(problems);
  const sorted = [...byName.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return {
    get: (name) => byName.get(name),
    list: () => [...sorted],
  };
}
