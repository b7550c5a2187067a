import { Hono } from 'hono';
import { describeSchema, type SchemaRegistry } from '../../csv/schema/index.js';
import { appError } from '../../errors/catalogue.js';
import type { AppEnv } from '../context.js';

/**
 * GET /schemas: `{schemas: [{name, title, columns}]}` (columns: how many), sorted by name.
 * GET /schemas/:name: the schema described (columns, types, constraints, file options), or
 * 404 IMPORT_SCHEMA_UNKNOWN.
 */
export function createSchemasRoutes(schemas: SchemaRegistry): Hono<AppEnv> {
  const routes = new Hono<AppEnv>();
  routes.get('/', (c) =>
    c.json({
      schemas: schemas.list().map((schema) => ({ name: schema.name, title: schema.title, columns: schema.columns.length })),
    }),
  );
  routes.get('/:name', (c) => {
    const schema = schemas.get(c.req.param('name'));
    if (schema === undefined) throw appError('IMPORT_SCHEMA_UNKNOWN');
    return c.json(describeSchema(schema));
  });
  return routes;
}
