import { isAppError } from '../errors/app-error.js';
import { EXIT_USAGE } from './exit-codes.js';
import { USAGE } from './help.js';
import { serveCommand } from './serve-command.js';

/**
 * The `ferry` command line. Returns an exit code for commands that end, or
 * undefined for `serve`, which runs until a signal.
 */
export async function runCli(argv: readonly string[]): Promise<number | undefined> {
  const [first, ...rest] = argv;
  if (first === '--help' || first === '-h' || first === 'help') {
    process.stdout.write(USAGE);
    return 0;
  }
  try {
    if (first === undefined || first.startsWith('--')) {
      await serveCommand(argv);
      return undefined;
    }
    if (first === 'serve') {
      if (rest.includes('--help') || rest.includes('-h')) {
        process.stdout.write(USAGE);
        return 0;
      }
      await serveCommand(rest);
      return undefined;
    }
    process.stderr.write(`ferry: unknown command "${first}" (see ferry --help)\n`);
    return EXIT_USAGE;
  } catch (error) {
    if (isAppError(error, 'CONFIG_INVALID')) {
      process.stderr.write(`ferry: ${error.message}\n`);
      return EXIT_USAGE;
    }
    throw error;
  }
}
