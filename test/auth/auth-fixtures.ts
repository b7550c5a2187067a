import { type CryptoKey, type JWTPayload, type KeyObject, SignJWT } from 'jose';
import type { Config } from '../../src/config/settings.js';
import type { FerryOptions } from '../../src/ferry.js';
import { startFerry, type TestFerry } from '../http/harness.js';

export const SECRET = 'a-test-secret-that-is-long-enough-for-hs256';
export const OTHER_SECRET = 'another-secret-that-is-long-enough-for-hs256';
export const ISSUER = 'https://id.example.test';
export const AUDIENCE = 'ferry-tests';

export const nowSeconds = (): number => Math.floor(Date.now() / 1000);

export interface SignOptions {
  key?: Uint8Array | CryptoKey | KeyObject;
  alg?: string;
  kid?: string;
  /** Seconds from now; null: no exp claim. */
  expiresIn?: number | null;
}

/** A token with `claims` (sub alice, iss and aud of the test server unless given), HS256 with SECRET unless told otherwise. */
export async function sign(claims: JWTPayload = {}, { key = secretKey(SECRET), alg = 'HS256', kid, expiresIn = 3600 }: SignOptions = {}): Promise<string> {
  const payload: JWTPayload = { sub: 'alice', iss: ISSUER, aud: AUDIENCE, iat: nowSeconds(), ...claims };
  if (expiresIn !== null) payload.exp = nowSeconds() + expiresIn;
  return new SignJWT(payload).setProtectedHeader(kid === undefined ? { alg } : { alg, kid }).sign(key);
}

export function secretKey(secret: string): Uint8Array {
  return new TextEncoder().encode(secret);
}

/** An unsecured JWT (`alg: none`, empty signature), as an attacker would forge one. */
export function unsignedToken(claims: JWTPayload = {}): string {
  const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${encode({ alg: 'none', typ: 'JWT' })}.${encode({ sub: 'alice', iss: ISSUER, aud: AUDIENCE, exp: nowSeconds() + 3600, ...claims })}.`;
}

// These suites send many bad credentials from one address on purpose: the auth-failure limit
// (on by default) has its own test in auth-failure-limit.test.ts.
export const JWT_SETTINGS: Partial<Config> = { auth: 'jwt', jwtSecret: SECRET, jwtIssuer: ISSUER, jwtAudience: AUDIENCE, rateAuthFailuresPerMinute: 0 };

/** A ferry with FERRY_AUTH=jwt (HS256 with SECRET, issuer and audience checked unless `overrides` say otherwise), logging at info into `logs`. */
export function startJwtFerry(overrides: Partial<Config> = {}, options: FerryOptions = {}): Promise<TestFerry> {
  return startFerry({ ...JWT_SETTINGS, ...overrides }, options);
}

export function bearer(token: string): Record<string, string> {
  return { Authorization: `Bearer ${token}` };
}
