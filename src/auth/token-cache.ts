import type { Principal } from './principal.js';

export interface TokenCacheOptions {
  /** How many tokens are kept; the least recently used goes first. */
  capacity?: number;
  /** The longest a verified token is trusted without verifying it again, in ms (also bounds a key taken out of a JWKS). */
  maxAgeMs?: number;
  now?: () => number;
}

export interface TokenCache {
  get(token: string): Principal | undefined;
  /** Keeps `principal` for `token` until `expiresAtMs` (the token's exp), or maxAgeMs from now if sooner. */
  set(token: string, principal: Principal, expiresAtMs: number): void;
}

/**
 * The principals of recently verified tokens, so a 1,000-chunk upload does not verify the
 * same signature 1,000 times. Keyed by the whole token string: only a token that was
 * verified, byte for byte, is found.
 */
export function createTokenCache({ capacity = 1000, maxAgeMs = 60_000, now = Date.now }: TokenCacheOptions = {}): TokenCache {
  // A Map iterates in insertion order: re-inserting on a hit makes its first key the least recently used.
  const entries = new Map<string, { principal: Principal; expiresAtMs: number }>();
  return {
    get(token) {
      const entry = entries.get(token);
      if (entry === undefined) return undefined;
      entries.delete(token);
      if (entry.expiresAtMs <= now()) return undefined;
      entries.set(token, entry);
      return entry.principal;
    },
    set(token, principal, expiresAtMs) {
      entries.delete(token);
      entries.set(token, { principal, expiresAtMs: Math.min(expiresAtMs, now() + maxAgeMs) });
      if (entries.size > capacity) entries.delete(entries.keys().next().value as string);
    },
  };
}
