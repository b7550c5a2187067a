import { HMAC_ALGORITHMS, type PublicKey, readPublicKeyFile } from '../auth/key-algorithms.js';
import type { ConfigProblem } from './load-config.js';
import type { Config } from './settings.js';

type AuthSettings = Pick<Config, 'auth' | 'jwtSecret' | 'jwtPublicKeyFile' | 'jwksUrl' | 'jwtAlgorithms' | 'jwtIssuer' | 'jwtAudience' | 'authHookUrl'>;

const SOURCES = [
  { name: 'jwtSecret', env: 'FERRY_JWT_SECRET', flag: '--jwt-secret' },
  { name: 'jwtPublicKeyFile', env: 'FERRY_JWT_PUBLIC_KEY_FILE', flag: '--jwt-public-key-file' },
  { name: 'jwksUrl', env: 'FERRY_JWKS_URL', flag: '--jwks-url' },
] as const;

const HMAC: readonly string[] = HMAC_ALGORITHMS;

/**
 * The problems of the authentication settings taken together (each one alone is already
 * parsed): FERRY_AUTH=jwt needs exactly one key source, a public key file must hold a public
 * key, and an explicit algorithm list must fit the key. A key source given while
 * FERRY_AUTH=none is a problem too: the operator meant to protect the server and it would not be.
 * FERRY_AUTH=hook needs FERRY_AUTH_HOOK_URL, and a hook URL is only for that mode.
 * `unparsed`: the settings that have a problem of their own.
 */
export function authSettingProblems(settings: Partial<AuthSettings>, unparsed: ReadonlySet<string>): ConfigProblem[] {
  if (unparsed.has('authHookUrl')) return [];
  const hookUrl = settings.authHookUrl ?? '';
  if (settings.auth === 'hook') {
    return hookUrl === '' ? [problem('--auth / FERRY_AUTH', 'is hook: give FERRY_AUTH_HOOK_URL, the URL ferry asks before it acts')] : [];
  }
  if (hookUrl !== '')
    return [problem('--auth / FERRY_AUTH', `is ${settings.auth ?? 'none'}, yet FERRY_AUTH_HOOK_URL is set: set FERRY_AUTH=hook to use it, or unset it`)];
  return keySourceProblems(settings, unparsed);
}

function keySourceProblems(settings: Partial<AuthSettings>, unparsed: ReadonlySet<string>): ConfigProblem[] {
  // A key source that did not parse is reported already: counting sources without it would add a second, misleading problem.
  if (SOURCES.some((source) => unparsed.has(source.name))) return [];
  const given = SOURCES.filter((source) => (settings[source.name] ?? '') !== '');
  const names = given.map((source) => source.env).join(', ');
  if (settings.auth === 'none') {
    if (given.length === 0) return [];
    return [problem('--auth / FERRY_AUTH', `is none (no authentication), yet ${names} is set: set FERRY_AUTH=jwt to use it, or unset it`)];
  }
  if (settings.auth !== 'jwt') return [];
  if (given.length === 0) return [problem('--auth / FERRY_AUTH', `is jwt: give one key source, FERRY_JWT_SECRET, FERRY_JWT_PUBLIC_KEY_FILE or FERRY_JWKS_URL`)];
  if (given.length > 1) return [problem('--auth / FERRY_AUTH', `is jwt: give exactly one key source, not ${names}`)];
  const [source] = given;
  const problems: ConfigProblem[] = [];
  let key: PublicKey | undefined;
  if (source.name === 'jwtPublicKeyFile') {
    try {
      key = readPublicKeyFile(settings.jwtPublicKeyFile ?? '');
    } catch (error) {
      problems.push(problem(`${source.flag} / ${source.env}`, (error as Error).message));
    }
  }
  const algorithms = settings.jwtAlgorithms ?? [];
  const unfit = algorithms.filter((algorithm) => {
    if (source.name === 'jwtSecret') return !HMAC.includes(algorithm);
    if (source.name === 'jwksUrl') return HMAC.includes(algorithm);
    return key !== undefined && !key.usable.includes(algorithm);
  });
  if (unfit.length > 0) problems.push(problem('--jwt-algorithms / FERRY_JWT_ALGORITHMS', `${unfit.join(', ')} cannot verify with ${source.env}`));
  return problems;
}

function problem(setting: string, message: string): ConfigProblem {
  return { setting, source: 'the settings together', message };
}
