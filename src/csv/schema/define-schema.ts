import type { Schema, SchemaDefinition } from '../types.js';
import { buildSchema } from './build-schema.js';
import { checkSchemaDefinition } from './check-definition.js';
import { schemaInvalid } from './schema-problem.js';

/**
 * Checks a definition (TypeScript API: custom `parse`/`format` allowed), reporting every
 * problem at once as SCHEMA_INVALID with `details.problems` ({path, message}), then fills
 * the defaults and builds each column's labels and codec. The schema is frozen.
 */
export function defineSchema(definition: SchemaDefinition): Schema {
  const problems = checkSchemaDefinition(definition, { allowFunctions: true });
  if (problems.length > 0) throw schemaInvalid(problems);
  return buildSchema(definition);
}
