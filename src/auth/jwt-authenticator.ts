import type { KeyObject } from 'node:crypto';
import { createRemoteJWKSet, errors, type JWTPayload, type JWTVerifyGetKey, jwtVerify } from 'jose';
import { isAppError } from '../errors/app-error.js';
import { appError } from '../errors/catalogue.js';
import type { Authenticate } from './authenticator.js';
import { readBearerToken } from './bearer-token.js';
import type { Principal } from './principal.js';
import { createTokenCache } from './token-cache.js';
import { principalFromClaims } from './token-claims.js';

/** Exactly one source of the keys that verify tokens. */
export type JwtKeySource = { kind: 'secret'; secret: string } | { kind: 'public-key'; key: KeyObject } | { kind: 'jwks'; url: string };

export interface JwtAuthenticatorOptions {
  keys: JwtKeySource;
  /** The JWS algorithms accepted (never empty, never `none`). */
  algorithms: readonly string[];
  issuer?: string;
  audience?: string;
  /** Tolerated clock difference for exp and nbf, in seconds. */
  clockToleranceSeconds?: number;
  /** How soon a JWKS may be fetched again for a key id it does not hold (jose's cooldown; default 30 s). */
  jwksCooldownMs?: number;
  /** How long a fetched JWKS is used before it is fetched again (default 10 minutes). */
  jwksMaxAgeMs?: number;
}

const CLOCK_TOLERANCE_SECONDS = 30;

/**
 * Bearer JWTs verified with jose: the signature with the configured key and an explicit
 * algorithm allow-list (so `alg: none` and an HS256 token signed with a public key are
 * refused), `exp` required, `iss` and `aud` when configured, 30 s of clock skew. A verified
 * token's principal is cached by the token string until its exp (at most a minute).
 */
export function createJwtAuthenticator({
  keys,
  algorithms,
  issuer,
  audience,
  clockToleranceSeconds = CLOCK_TOLERANCE_SECONDS,
  jwksCooldownMs,
  jwksMaxAgeMs,
}: JwtAuthenticatorOptions): Authenticate {
  const verifyOptions = {
    algorithms: [...algorithms],
    issuer: issuer === '' ? undefined : issuer,
    audience: audience === '' ? undefined : audience,
    clockTolerance: clockToleranceSeconds,
    requiredClaims: ['exp', 'sub'],
  };
  const cache = createTokenCache();
  const verify = verifierOf(keys, { cooldownDuration: jwksCooldownMs, cacheMaxAge: jwksMaxAgeMs });

  return async function authenticateJwt(headers) {
    const token = readBearerToken(headers.get('authorization') ?? undefined);
    const cached = cache.get(token);
    if (cached !== undefined) return cached;
    let payload: JWTPayload;
    try {
      payload = await verify(token, verifyOptions);
    } catch (error) {
      throw authFailure(error);
    }
    const principal: Principal = principalFromClaims(payload);
    // exp is required, so it is there; the skew that let the token in also keeps it.
    cache.set(token, principal, ((payload.exp as number) + clockToleranceSeconds) * 1000);
    return principal;
  };
}

type Verify = (token: string, options: Parameters<typeof jwtVerify>[2]) => Promise<JWTPayload>;

function verifierOf(keys: JwtKeySource, jwksOptions: { cooldownDuration?: number; cacheMaxAge?: number }): Verify {
  if (keys.kind === 'jwks') {
    const keySet: JWTVerifyGetKey = createRemoteJWKSet(new URL(keys.url), jwksOptions);
    return async (token, options) => (await jwtVerify(token, keySet, options)).payload;
  }
  const key = keys.kind === 'secret' ? new TextEncoder().encode(keys.secret) : keys.key;
  return async (token, options) => (await jwtVerify(token, key, options)).payload;
}

/**
 * jose's error as ferry's: 401 AUTH_EXPIRED or AUTH_INVALID with a description that names the
 * failed check and never quotes the token; 503 when the JWKS cannot be fetched (the
 * token may be fine: the server cannot tell).
 */
function authFailure(error: unknown) {
  if (isAppError(error)) return error;
  if (error instanceof errors.JWTExpired) return appError('AUTH_EXPIRED');
  if (error instanceof errors.JWTClaimValidationFailed) {
    const message = error.reason === 'missing' ? `The token has no ${error.claim} claim.` : `The token's ${error.claim} claim is not accepted by this server.`;
    return appError('AUTH_INVALID', { message });
  }
  if (error instanceof errors.JOSEAlgNotAllowed) return appError('AUTH_INVALID', { message: "The token's algorithm is not allowed by this server." });
  if (error instanceof errors.JWSSignatureVerificationFailed || error instanceof errors.JWKSNoMatchingKey) {
    return appError('AUTH_INVALID', { message: 'The token signature does not verify with the keys of this server.' });
  }
  if (error instanceof errors.JWKSTimeout || error instanceof errors.JWKSInvalid || isFetchFailure(error)) {
    return appError('AUTH_KEYS_UNAVAILABLE', { cause: error });
  }
  return appError('AUTH_INVALID', { message: 'The token is malformed.' });
}

/** A JWKS that could not be fetched: a network error, or an answer other than 200. */
function isFetchFailure(error: unknown): boolean {
  return error instanceof TypeError || (error instanceof errors.JOSEError && error.code === 'ERR_JOSE_GENERIC');
}
