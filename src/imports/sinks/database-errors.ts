import { type AppError, isAppError } from '../../errors/app-error.js';
import { appError } from '../../errors/catalogue.js';

/** The step of an import that met a database error; it goes into the error's details. */
export type DatabaseOperation = 'open' | 'connect' | 'begin' | 'write' | 'commit' | 'rollback' | 'close' | 'ledger';

/**
 * Translates an error at the sink's edge: AppErrors pass through; a PostgreSQL data
 * exception (SQLSTATE class 22) is IMPORT_VALUE_INVALID; anything else, from a refused
 * connection to a full disk, is IMPORT_DATABASE_FAILED with the cause. The driver's own
 * message stays in the cause, as it may quote a value.
 */
export function toDatabaseError(operation: DatabaseOperation, error: unknown): AppError {
  if (isAppError(error)) return error;
  const code = errorCode(error);
  if (code !== undefined && /^22[0-9A-Z]{3}$/.test(code)) {
    return appError('IMPORT_VALUE_INVALID', { cause: error, details: { operation, databaseCode: code } });
  }
  return appError('IMPORT_DATABASE_FAILED', { cause: error, details: { operation, databaseCode: code } });
}

/** An SQLSTATE (pg), an SQLite result code or an errno code, when the error has one. */
function errorCode(error: unknown): string | undefined {
  return error instanceof Error && 'code' in error && typeof error.code === 'string' ? error.code : undefined;
}
