export { defineSchema } from './define-schema.js';
export { type ColumnDescription, describeSchema, type SchemaDescription } from './describe-schema.js';
export { normaliseLabel } from './labels.js';
export { loadSchemaFile, loadSchemasDir } from './load-schemas.js';
export type { SchemaProblem } from './schema-problem.js';
export { createSchemaRegistry, type SchemaRegistry } from './schema-registry.js';
