import { ERRORS } from '@tus/utils';
import { isAppError, type AppError } from '../errors/app-error.js';
import { appError, type ErrorCode } from '../errors/catalogue.js';

/**
 * @tus/server answers errors as plain text. These tables map each of its known
 * bodies (version 2.4.5) to our catalogue, so every error response can be JSON.
 */
const CODE_OF_TUS_ERROR: ReadonlyMap<string, ErrorCode> = new Map([
  [ERRORS.MISSING_OFFSET.body, 'UPLOAD_OFFSET_INVALID'],
  [ERRORS.ABORTED.body, 'UPLOAD_ABORTED'],
  [ERRORS.INVALID_TERMINATION.body, 'UPLOAD_TERMINATION_FORBIDDEN'],
  [ERRORS.ERR_LOCK_TIMEOUT.body, 'UPLOAD_LOCKED'],
  [ERRORS.INVALID_CONTENT_TYPE.body, 'UPLOAD_CONTENT_TYPE_INVALID'],
  [ERRORS.FILE_NOT_FOUND.body, 'UPLOAD_NOT_FOUND'],
  [ERRORS.INVALID_OFFSET.body, 'UPLOAD_OFFSET_MISMATCH'],
  [ERRORS.FILE_NO_LONGER_EXISTS.body, 'UPLOAD_GONE'],
  [ERRORS.ERR_SIZE_EXCEEDED.body, 'UPLOAD_LENGTH_EXCEEDED'],
  [ERRORS.ERR_MAX_SIZE_EXCEEDED.body, 'UPLOAD_TOO_LARGE'],
  [ERRORS.INVALID_LENGTH.body, 'UPLOAD_LENGTH_INVALID'],
  [ERRORS.INVALID_METADATA.body, 'UPLOAD_METADATA_INVALID'],
  [ERRORS.UNKNOWN_ERROR.body, 'INTERNAL_ERROR'],
  [ERRORS.FILE_WRITE_ERROR.body, 'UPLOAD_STORE_FAILED'],
  [ERRORS.UNSUPPORTED_CONCATENATION_EXTENSION.body, 'UPLOAD_EXTENSION_UNSUPPORTED'],
  [ERRORS.UNSUPPORTED_CREATION_DEFER_LENGTH_EXTENSION.body, 'UPLOAD_EXTENSION_UNSUPPORTED'],
  [ERRORS.UNSUPPORTED_EXPIRATION_EXTENSION.body, 'UPLOAD_EXTENSION_UNSUPPORTED'],
  // Answered by the server itself, before any handler runs.
  ['Tus-Resumable Required\n', 'TUS_VERSION_UNSUPPORTED'],
  ['Not found\n', 'HTTP_METHOD_NOT_ALLOWED'],
]);

/** The header whose invalid value has its own code; any other invalid header is UPLOAD_HEADER_INVALID. */
const CODE_OF_INVALID_HEADER: ReadonlyMap<string, ErrorCode> = new Map([
  // A Tus-Resumable the server does not support MUST be answered with 412 (tus 1.0.0, "Tus-Resumable").
  ['tus-resumable', 'TUS_VERSION_UNSUPPORTED'],
  ['upload-offset', 'UPLOAD_OFFSET_INVALID'],
  ['upload-length', 'UPLOAD_LENGTH_INVALID'],
  ['upload-defer-length', 'UPLOAD_LENGTH_INVALID'],
  ['upload-metadata', 'UPLOAD_METADATA_INVALID'],
]);

const INVALID_HEADERS = /^Invalid ([a-z0-9 -]+)\n$/;

/** An error thrown inside a @tus/server handler (our AppErrors, its ERRORS objects, anything else). */
export function tusThrownToAppError(error: unknown): AppError {
  if (isAppError(error)) return error;
  const body = typeof error === 'object' && error !== null && 'body' in error ? error.body : undefined;
  const code = typeof body === 'string' ? CODE_OF_TUS_ERROR.get(body) : undefined;
  return appError(code ?? 'INTERNAL_ERROR', { cause: error });
}

/**
 * A text error response @tus/server wrote itself. A body it does not know is a
 * mapping gap on our side: INTERNAL_ERROR, with the original as the logged cause.
 */
export function tusResponseToAppError(status: number, body: string): AppError {
  const known = CODE_OF_TUS_ERROR.get(body);
  if (known) return appError(known);
  const invalid = INVALID_HEADERS.exec(body);
  if (status === 400 && invalid) {
    const headers = invalid[1].split(' ');
    const code = headers.map((name) => CODE_OF_INVALID_HEADER.get(name)).find((found) => found !== undefined);
    return appError(code ?? 'UPLOAD_HEADER_INVALID', { details: { headers } });
  }
  return appError('INTERNAL_ERROR', { cause: new Error(`unmapped @tus/server response ${status}: ${body.slice(0, 200)}`) });
}

const thrownErrors = new WeakMap<Request, AppError>();

/** Remembers what a tus handler threw for `request`, so the HTTP layer can log the cause. */
export function recordTusError(request: Request, error: AppError): void {
  thrownErrors.set(request, error);
}

export function takeTusError(request: Request): AppError | undefined {
  const error = thrownErrors.get(request);
  thrownErrors.delete(request);
  return error;
}
