import { loadSchemaFile, type SchemaProblem } from '../csv/schema/index.js';
import { isAppError } from '../errors/app-error.js';
import { parseCommandArgs, usageError } from './command-args.js';
import { reportFailure } from './command-failure.js';
import { EXIT_OK, EXIT_USAGE } from './exit-codes.js';

/**
 * `ferry schema check <file.json>...`: checks schema files as the server and `ferry import`
 * would load them. Prints `ok: <name> (N columns)` per good file on stdout; every problem
 * of a bad file on stderr, one per line (`file: key path: message`), and then exits 2.
 */
export async function schemaCommand(args: readonly string[]): Promise<number> {
  try {
    const [subcommand, ...rest] = args;
    if (subcommand !== 'check') {
      throw usageError(subcommand === undefined ? 'missing the subcommand (check)' : `unknown subcommand "${subcommand}" (see ferry schema --help)`);
    }
    const { positionals } = parseCommandArgs(rest, {});
    if (positionals.length === 0) throw usageError('missing the schema file to check');
    let exitCode = EXIT_OK;
    for (const file of positionals) {
      if (!(await checkSchemaFile(file))) exitCode = EXIT_USAGE;
    }
    return exitCode;
  } catch (error) {
    return reportFailure('schema', error);
  }
}

async function checkSchemaFile(file: string): Promise<boolean> {
  try {
    const schema = await loadSchemaFile(file);
    process.stdout.write(`ok: ${schema.name} (${schema.columns.length} columns)\n`);
    return true;
  } catch (error) {
    if (!isAppError(error, 'SCHEMA_INVALID')) throw error;
    const problems = (error.details?.problems ?? []) as SchemaProblem[];
    process.stderr.write(problems.map((problem) => `${formatProblem(file, problem)}\n`).join(''));
    return false;
  }
}

function formatProblem(file: string, { file: where = file, path, message }: SchemaProblem): string {
  return path === '' ? `${where}: ${message}` : `${where}: ${path}: ${message}`;
}
