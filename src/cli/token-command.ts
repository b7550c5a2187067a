import { mintToken } from '../auth/mint-token.js';
import { PRINCIPAL_ACTIONS, type PrincipalAction } from '../auth/principal.js';
import { parseByteSize } from '../config/parsers.js';
import { parseCommandArgs, readValue, usageError } from './command-args.js';
import { reportFailure } from './command-failure.js';
import { readCommandSettings, settingFlags } from './command-settings.js';
import { EXIT_OK } from './exit-codes.js';

const SETTINGS = ['jwtSecret', 'jwtIssuer', 'jwtAudience'] as const;
const FLAGS = {
  '--sub': 'value',
  '--ttl': 'value',
  '--scope': 'value',
  '--admin': 'switch',
  '--max-size': 'value',
  '--schemas': 'value',
  ...settingFlags(SETTINGS),
} as const;

const TTL_UNITS: Record<string, number> = { '': 1, s: 1, m: 60, h: 3600, d: 86_400 };
const MAX_TTL_SECONDS = 366 * 86_400;

/**
 * `ferry token --sub <owner> [--ttl 1h] [--scope upload,download] [--admin] [--max-size N]
 * [--schemas a,b]`: prints an HS256 token signed with FERRY_JWT_SECRET (with the server's
 * FERRY_JWT_ISSUER and FERRY_JWT_AUDIENCE), for development and tests. Prints the token
 * only; a usage problem is one line on stderr (never the secret) and exit 2.
 */
export async function tokenCommand(args: readonly string[]): Promise<number> {
  try {
    const { positionals, values, switches } = parseCommandArgs(args, FLAGS);
    const problems: string[] = [];
    const settings = readSettings(values, problems);
    if (positionals.length > 0) problems.push(`unexpected argument "${positionals[0]}"`);
    const subject = values.get('--sub');
    if (subject === undefined || subject === '') problems.push('--sub is needed: the owner the token speaks for');
    if (settings?.jwtSecret === '') problems.push('FERRY_JWT_SECRET (or --jwt-secret) is needed to sign the token');
    const ttlSeconds = readValue(values.get('--ttl') ?? '1h', '--ttl', parseTtl, problems);
    const scope = values.get('--scope');
    const actions = scope === undefined ? undefined : readValue(scope, '--scope', parseActions, problems);
    const maxSize = values.get('--max-size');
    const maxUploadSize = maxSize === undefined ? undefined : readValue(maxSize, '--max-size', parseByteSize, problems);
    const schemas = values.get('--schemas');
    if (problems.length > 0) throw usageError(problems.join('; '));
    const { jwtSecret, jwtIssuer, jwtAudience } = settings as NonNullable<typeof settings>;
    const admin = switches.has('--admin');
    const token = await mintToken({
      secret: jwtSecret,
      subject: subject as string,
      ttlSeconds: ttlSeconds as number,
      // --admin alone is every action; with --scope, those actions and admin.
      actions: admin ? [...(actions ?? []), 'admin'] : actions,
      maxUploadSize,
      schemas: schemas === undefined ? undefined : listOf(schemas),
      issuer: jwtIssuer,
      audience: jwtAudience,
    });
    process.stdout.write(`${token}\n`);
    return EXIT_OK;
  } catch (error) {
    return reportFailure('token', error);
  }
}

/** The signing settings, or undefined with their problems added (a secret is never quoted in them). */
function readSettings(flags: ReadonlyMap<string, string>, problems: string[]) {
  try {
    return readCommandSettings(SETTINGS, flags, process.env);
  } catch (error) {
    problems.push((error as Error).message);
    return undefined;
  }
}

/** `90`, `90s`, `15m`, `1h`, `7d`: a lifetime in seconds. */
function parseTtl(raw: string): number {
  const match = /^(\d{1,9})([smhd]?)$/.exec(raw.trim());
  const seconds = match === null ? Number.NaN : Number(match[1]) * TTL_UNITS[match[2]];
  if (!(seconds > 0 && seconds <= MAX_TTL_SECONDS)) throw new Error(`"${raw}" is not a lifetime such as 90s, 15m, 1h or 7d (at most 366d)`);
  return seconds;
}

function parseActions(raw: string): PrincipalAction[] {
  const actions = listOf(raw);
  const unknown = actions.filter((action) => !(PRINCIPAL_ACTIONS as readonly string[]).includes(action));
  if (actions.length === 0 || unknown.length > 0) throw new Error(`give some of ${PRINCIPAL_ACTIONS.join(', ')}, comma-separated`);
  return actions as PrincipalAction[];
}

function listOf(raw: string): string[] {
  return raw
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
}
