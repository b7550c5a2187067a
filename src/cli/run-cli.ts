import { isAppError } from '../errors/app-error.js';
import { EXIT_USAGE } from './exit-codes.js';
import { IMPORT_USAGE, SCHEMA_USAGE, TOKEN_USAGE, UPLOAD_USAGE, USAGE } from './help.js';
import { importCommand } from './import-command.js';
import { schemaCommand } from './schema-command.js';
import { serveCommand } from './serve-command.js';
import { tokenCommand } from './token-command.js';
import { uploadCommand } from './upload-command.js';
import { readVersion } from './version.js';

/** The commands that run to an end, with their help text. */
const COMMANDS: Record<string, { usage: string; run: (args: readonly string[]) => Promise<number> }> = {
  import: { usage: IMPORT_USAGE, run: importCommand },
  schema: { usage: SCHEMA_USAGE, run: schemaCommand },
  token: { usage: TOKEN_USAGE, run: tokenCommand },
  upload: { usage: UPLOAD_USAGE, run: uploadCommand },
};

function asksForHelp(args: readonly string[]): boolean {
  return args.includes('--help') || args.includes('-h');
}

/**
 * The `ferry` command line. Returns an exit code for commands that end, or
 * undefined for `serve` once it listens (it runs until a signal).
 */
export async function runCli(argv: readonly string[]): Promise<number | undefined> {
  const [first, ...rest] = argv;
  if (first === '--help' || first === '-h' || first === 'help') {
    process.stdout.write(USAGE);
    return 0;
  }
  if (first === '--version' || first === '-v' || first === 'version') {
    process.stdout.write(`${readVersion()}\n`);
    return 0;
  }
  const command = first === undefined ? undefined : COMMANDS[first];
  if (command !== undefined) {
    if (asksForHelp(rest)) {
      process.stdout.write(command.usage);
      return 0;
    }
    return command.run(rest);
  }
  try {
    if (first === undefined || first.startsWith('--')) return await serveCommand(argv);
    if (first === 'serve') {
      if (asksForHelp(rest)) {
        process.stdout.write(USAGE);
        return 0;
      }
      return await serveCommand(rest);
    }
    process.stderr.write(`ferry: unknown command "${first}" (see ferry --help)\n`);
    return EXIT_USAGE;
  } catch (error) {
    // A bad setting or a bad schema file in the schemas dir: every problem is in the message.
    if (isAppError(error, 'CONFIG_INVALID') || isAppError(error, 'SCHEMA_INVALID')) {
      process.stderr.write(`ferry: ${error.message}\n`);
      return EXIT_USAGE;
    }
    throw error;
  }
}
