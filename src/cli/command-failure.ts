import type { SchemaProblem } from '../csv/schema/index.js';
import { type AppError, isAppError } from '../errors/app-error.js';
import { EXIT_UNAVAILABLE, EXIT_USAGE } from './exit-codes.js';

/**
 * A failure a command has put into words itself, for problems no AppError code describes:
 * a server that cannot be reached, or that refused an upload. It carries its exit code.
 */
export class CommandError extends Error {
  override readonly name = 'CommandError';

  constructor(
    message: string,
    readonly exitCode: number,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

export interface CommandFailure {
  exitCode: number;
  /** One line, no stack, no cell values, no database URL. */
  message: string;
}

/**
 * What a command prints and returns when it cannot run: usage, config and schema errors
 * exit 2, the import database exits 3, a CommandError says its own code. Undefined for
 * errors no command expects (a bug: they propagate with their stack).
 */
export function describeFailure(error: unknown): CommandFailure | undefined {
  if (error instanceof CommandError) return { exitCode: error.exitCode, message: error.message };
  if (!isAppError(error)) return undefined;
  switch (error.code) {
    case 'CONFIG_INVALID':
      return { exitCode: EXIT_USAGE, message: oneLine(error.message) };
    case 'SCHEMA_INVALID':
      return { exitCode: EXIT_USAGE, message: schemaMessage(error) };
    case 'IMPORT_TABLE_MISMATCH':
      return { exitCode: EXIT_USAGE, message: tableMismatchMessage(error) };
    case 'IMPORT_DATABASE_FAILED':
    case 'IMPORT_VALUE_INVALID':
      return { exitCode: EXIT_UNAVAILABLE, message: databaseMessage(error) };
    default:
      return undefined;
  }
}

/** Writes `ferry <command>: <message>` on stderr and returns the exit code; rethrows unexpected errors. */
export function reportFailure(command: string, error: unknown): number {
  const failure = describeFailure(error);
  if (failure === undefined) throw error;
  process.stderr.write(`ferry ${command}: ${failure.message}\n`);
  return failure.exitCode;
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, '; ');
}

function schemaMessage(error: AppError): string {
  const problems = (error.details?.problems ?? []) as SchemaProblem[];
  const [first] = problems;
  if (first === undefined) return oneLine(error.message);
  const where = [first.file, first.path].filter((part) => part !== undefined && part !== '').join(': ');
  const more = problems.length > 1 ? ` (and ${problems.length - 1} more; see ferry schema check)` : '';
  return `invalid schema: ${where === '' ? '' : `${where}: `}${first.message}${more}`;
}

function tableMismatchMessage(error: AppError): string {
  const details = error.details ?? {};
  const parts = [
    listPart('missing columns', details.missingColumns),
    listPart('extra columns', details.extraColumns),
    listPart(
      'changed types',
      (details.changedTypes as { column: string }[] | undefined)?.map((change) => change.column),
    ),
    details.primaryKey === undefined ? '' : 'another primary key',
  ].filter((part) => part !== '');
  return `${error.message.replace(/\.$/, '')}${parts.length > 0 ? ` (${parts.join('; ')})` : ''}`;
}

function listPart(label: string, names: unknown): string {
  return Array.isArray(names) && names.length > 0 ? `${label}: ${names.join(', ')}` : '';
}

/** The sink's message and the step and driver code; the driver's own text stays out (it may quote a value). */
function databaseMessage(error: AppError): string {
  const facts = [error.details?.operation, error.details?.databaseCode].filter((fact) => typeof fact === 'string');
  return `${error.message.replace(/\.$/, '')}${facts.length > 0 ? ` (${facts.join(', ')})` : ''}`;
}
