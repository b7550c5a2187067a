import { type AppError, isAppError } from '../errors/app-error.js';
import { appError } from '../errors/catalogue.js';

/** OS error codes that mean "there is no such upload" (a directory where a data file should be counts). */
const MISSING = new Set(['ENOENT', 'EISDIR']);

export function errnoCode(error: unknown): string | undefined {
  return error instanceof Error && 'code' in error && typeof error.code === 'string' ? error.code : undefined;
}

/**
 * Translates an error at the store's edge: a missing file is UPLOAD_NOT_FOUND, any other OS
 * failure UPLOAD_STORE_FAILED carrying the cause. AppErrors pass through unchanged.
 */
export function toStoreError(error: unknown, uploadId?: string): AppError {
  if (isAppError(error)) return error;
  if (MISSING.has(errnoCode(error) ?? '')) return appError('UPLOAD_NOT_FOUND', { cause: error });
  return appError('UPLOAD_STORE_FAILED', { cause: error, details: uploadId === undefined ? undefined : { uploadId } });
}
