import { type Context, Hono } from 'hono';
import { isAppError } from '../errors/app-error.js';
import { appError } from '../errors/catalogue.js';
import { type ImportService, type ProblemKind, parseImportRequest, type RequestProblem, requestInvalid } from '../imports/index.js';
import type { AppEnv } from './context.js';
import { principalOf } from './middleware/authenticate.js';
import { createTextStream } from './text-stream.js';

/** An import request is a few fields: a longer body is refused before it is parsed. */
const MAX_BODY_BYTES = 64 * 1024;
const DEFAULT_LIMIT = 100;
const MAX_LIMIT = 1000;

/**
 * The import API. Every route acts for the request's principal: another owner's import (or,
 * for POST, upload) answers 404 exactly as a missing one.
 *
 * - POST /imports `{uploadId, schema, mode?, maxErrors?}` → 202, the import's state, `Location: /imports/<id>`.
 * - GET /imports/:id → its state (status, counts, progress, errors by column and by code).
 * - GET /imports/:id/errors?offset=&limit=&kind= → `{total, offset, limit, errors}`, errors and
 *   warnings in file order, each with its `kind`; `kind=error` or `kind=warning` keeps one.
 * - GET /imports/:id/rejected-rows?offset=&limit= → `{header, total, offset, limit, rows}`, the rejected
 *   rows whole (`{row, line, fields}`, in file order) under the file's own header.
 * - GET /imports/:id/errors.csv → the rejected rows as a CSV attachment, streamed.
 */
export function createImportsRoutes(imports: ImportService): Hono<AppEnv> {
  const routes = new Hono<AppEnv>();

  routes.post('/', async (c) => {
    const request = parseImportRequest(await readJsonBody(c));
    const state = await imports.start(request, principalOf(c)).catch(answerShuttingDown);
    c.set('uploadId', state.uploadId);
    return c.json(state, 202, { Location: `/imports/${state.id}` });
  });

  routes.get('/:id', async (c) => c.json(await imports.get(c.req.param('id'), principalOf(c))));

  routes.get('/:id/errors', async (c) => {
    const page = parseErrorPage(c);
    return c.json(await imports.errors(c.req.param('id'), page, principalOf(c)));
  });

  routes.get('/:id/rejected-rows', async (c) => {
    const page = parsePage(c);
    return c.json(await imports.rejectedRowPage(c.req.param('id'), page, principalOf(c)));
  });

  routes.get('/:id/errors.csv', async (c) => {
    const viewer = principalOf(c);
    const { id } = await imports.get(c.req.param('id'), viewer);
    return new Response(createTextStream(imports.errorsCsv(id, viewer)), {
      status: 200,
      headers: {
        'Content-Type': 'text/csv; charset=utf-8',
        'Content-Disposition': `attachment; filename="${id}-errors.csv"`,
        'X-Content-Type-Options': 'nosniff',
        'Cache-Control': 'no-store',
      },
    });
  });

  return routes;
}

/** The service refuses new imports once it is closed: over HTTP, that is the server shutting down (503). */
function answerShuttingDown(error: unknown): never {
  if (isAppError(error, 'IMPORT_SERVICE_CLOSED')) throw appError('HTTP_SHUTTING_DOWN', { cause: error });
  throw error;
}

/** The body as JSON, read up to MAX_BODY_BYTES: a longer body (declared or streamed) is refused unread. */
async function readJsonBody(c: Context<AppEnv>): Promise<unknown> {
  const tooLong = requestInvalid([{ field: '', message: `the body must be at most ${MAX_BODY_BYTES} bytes of JSON` }]);
  if (Number(c.req.header('content-length') ?? 0) > MAX_BODY_BYTES) throw tooLong;
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of c.req.raw.body ?? []) {
    size += chunk.byteLength;
    if (size > MAX_BODY_BYTES) throw tooLong;
    chunks.push(chunk);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
  } catch {
    throw requestInvalid([{ field: '', message: 'the body is not valid JSON' }]);
  }
}

/** `offset` (default 0), `limit` (default 100, at most 1000) and `kind`; every bad one is listed. */
function parseErrorPage(c: Context<AppEnv>): { offset: number; limit: number; kind?: ProblemKind } {
  const problems: RequestProblem[] = [];
  const kind = c.req.query('kind');
  if (kind !== undefined && kind !== 'error' && kind !== 'warning') problems.push({ field: 'kind', message: 'must be error or warning' });
  const page = parsePage(c, problems);
  return kind === undefined ? page : { ...page, kind: kind as ProblemKind };
}

/**
 * `offset` (default 0) and `limit` (default 100, at most 1000). Throws IMPORT_REQUEST_INVALID
 * listing every bad parameter, these two first, then the caller's `problems`.
 */
function parsePage(c: Context<AppEnv>, problems: readonly RequestProblem[] = []): { offset: number; limit: number } {
  const all: RequestProblem[] = [];
  const offset = parseCount(c.req.query('offset'), 0, 0, Number.MAX_SAFE_INTEGER);
  const limit = parseCount(c.req.query('limit'), DEFAULT_LIMIT, 1, MAX_LIMIT);
  if (offset === undefined) all.push({ field: 'offset', message: 'must be an integer of 0 or more' });
  if (limit === undefined) all.push({ field: 'limit', message: `must be an integer from 1 to ${MAX_LIMIT}` });
  all.push(...problems);
  if (all.length > 0 || offset === undefined || limit === undefined) throw requestInvalid(all);
  return { offset, limit };
}

function parseCount(raw: string | undefined, fallback: number, minimum: number, maximum: number): number | undefined {
  if (raw === undefined) return fallback;
  if (!/^\d{1,16}$/.test(raw)) return undefined;
  const value = Number(raw);
  return value >= minimum && value <= maximum ? value : undefined;
}
