import { appError } from '../errors/catalogue.js';
import type { ImportMode } from './types.js';

const IMPORT_MODES: readonly ImportMode[] = ['all-or-nothing', 'skip-bad-rows', 'validate'];
export const DEFAULT_MODE: ImportMode = 'all-or-nothing';
export const DEFAULT_MAX_ERRORS = 1000;
/** The error file of one import stays below a few tens of MB. */
const MAX_MAX_ERRORS = 100_000;

/** What starts an import: POST /imports, or an upload's metadata. */
export interface ImportRequest {
  uploadId: string;
  schema: string;
  mode?: ImportMode;
  maxErrors?: number;
}

/** One bad field of a request, as the 400 response lists it. */
export interface RequestProblem {
  field: string;
  message: string;
}

function isImportMode(value: unknown): value is ImportMode {
  return typeof value === 'string' && (IMPORT_MODES as readonly string[]).includes(value);
}

const MODE_MESSAGE = `must be one of ${IMPORT_MODES.join(', ')}`;
const MAX_ERRORS_MESSAGE = `must be an integer from 1 to ${MAX_MAX_ERRORS}`;

/**
 * The body of POST /imports, `{uploadId, schema, mode?, maxErrors?}`: the request, or one
 * IMPORT_REQUEST_INVALID listing every bad field (`details.problems`). Unknown fields are
 * problems too, so a typo (`maxError`) is not silently ignored.
 */
export function parseImportRequest(body: unknown): ImportRequest {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw requestInvalid([{ field: '', message: 'the body must be a JSON object' }]);
  }
  const fields = body as Record<string, unknown>;
  const problems: RequestProblem[] = [];
  const { uploadId, schema, mode, maxErrors } = fields;
  if (typeof uploadId !== 'string' || uploadId === '') problems.push({ field: 'uploadId', message: "must be a non-empty string (the upload's id)" });
  if (typeof schema !== 'string' || schema === '') problems.push({ field: 'schema', message: "must be a non-empty string (a schema's name)" });
  if (mode !== undefined && !isImportMode(mode)) problems.push({ field: 'mode', message: MODE_MESSAGE });
  if (maxErrors !== undefined && !isMaxErrors(maxErrors)) problems.push({ field: 'maxErrors', message: MAX_ERRORS_MESSAGE });
  for (const key of Object.keys(fields)) {
    if (!['uploadId', 'schema', 'mode', 'maxErrors'].includes(key)) problems.push({ field: key, message: 'is not a field of an import request' });
  }
  if (problems.length > 0) throw requestInvalid(problems);
  return { uploadId: uploadId as string, schema: schema as string, mode: mode as ImportMode | undefined, maxErrors: maxErrors as number | undefined };
}

/** The `mode` of an upload's metadata: absent is the default; anything else must be a mode. */
export function parseMetadataMode(value: string | null | undefined): ImportMode {
  if (value === undefined || value === null || value === '') return DEFAULT_MODE;
  if (isImportMode(value)) return value;
  throw requestInvalid([{ field: 'mode', message: `the upload's mode metadata ${MODE_MESSAGE}` }]);
}

function isMaxErrors(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 1 && value <= MAX_MAX_ERRORS;
}

export function requestInvalid(problems: RequestProblem[]) {
  return appError('IMPORT_REQUEST_INVALID', {
    message: `The import request is invalid: ${problems.map((problem) => (problem.field === '' ? problem.message : `${problem.field} ${problem.message}`)).join('; ')}.`,
    details: { problems },
  });
}
