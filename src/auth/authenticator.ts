import type { Config } from '../config/settings.js';
import { type Authorize, authorizeClaims } from '../http/authorize.js';
import { createHookAuthorize, HOOK_PENDING } from './hook-authorize.js';
import { createHookClient } from './hook-client.js';
import { createJwtAuthenticator, type JwtKeySource } from './jwt-authenticator.js';
import { JWKS_DEFAULT_ALGORITHMS, readPublicKeyFile } from './key-algorithms.js';
import { ANONYMOUS, type Principal } from './principal.js';

/** Who the request with these headers speaks for (JWT: its Authorization header); throws a 401 (or 503) AppError. */
export type Authenticate = (headers: Headers) => Principal | Promise<Principal>;

export type AuthConfig = Pick<Config, 'auth' | 'jwtSecret' | 'jwtPublicKeyFile' | 'jwksUrl' | 'jwtAlgorithms' | 'jwtIssuer' | 'jwtAudience'>;

export type HookConfig = Pick<Config, 'auth' | 'authHookUrl' | 'authHookTimeoutMs' | 'authHookCacheMs' | 'authHookHeaders'>;

export interface AuthenticatorOptions {
  /** See JwtAuthenticatorOptions (tests shorten it). */
  jwksCooldownMs?: number;
}

/** FERRY_AUTH=none: every request is anonymous, whatever it carries. */
export const authenticateNobody: Authenticate = async () => ANONYMOUS;

/**
 * The authenticator the settings ask for (validated by loadConfig: with jwt, exactly one key
 * source). The algorithm allow-list is FERRY_JWT_ALGORITHMS, else derived from the key source.
 */
export function createAuthenticator(config: AuthConfig, { jwksCooldownMs }: AuthenticatorOptions = {}): Authenticate {
  if (config.auth === 'none') return authenticateNobody;
  // The hook decides once the scope is known (createAuthorizer): until then, a principal that may do nothing.
  if (config.auth === 'hook') return async () => HOOK_PENDING;
  const { keys, algorithms } = keySourceOf(config);
  return createJwtAuthenticator({
    keys,
    algorithms: config.jwtAlgorithms.length > 0 ? config.jwtAlgorithms : algorithms,
    issuer: config.jwtIssuer,
    audience: config.jwtAudience,
    jwksCooldownMs,
  });
}

function keySourceOf(config: AuthConfig): { keys: JwtKeySource; algorithms: readonly string[] } {
  if (config.jwtSecret !== '') return { keys: { kind: 'secret', secret: config.jwtSecret }, algorithms: ['HS256'] };
  if (config.jwtPublicKeyFile !== '') {
    const { key, defaults } = readPublicKeyFile(config.jwtPublicKeyFile);
    return { keys: { kind: 'public-key', key }, algorithms: defaults };
  }
  return { keys: { kind: 'jwks', url: config.jwksUrl }, algorithms: JWKS_DEFAULT_ALGORITHMS };
}

/**
 * The authorization seam the settings ask for: with FERRY_AUTH=hook the hook (which also
 * names the principal), else the token's claims (none of which an anonymous principal has).
 */
export function createAuthorizer(config: HookConfig): Authorize {
  if (config.auth !== 'hook') return authorizeClaims;
  return createHookAuthorize({
    ask: createHookClient({ url: config.authHookUrl, timeoutMs: config.authHookTimeoutMs }),
    headers: config.authHookHeaders,
    cacheMs: config.authHookCacheMs,
  });
}
