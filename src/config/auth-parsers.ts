import { JWT_ALGORITHMS } from '../auth/key-algorithms.js';

/** Value parsers of the authentication settings. Each returns the value or throws a plain message that never quotes a secret. */

export type AuthMode = 'none' | 'jwt' | 'hook';

/** The smallest HS256 secret: a key as long as the hash output (RFC 7518, section 3.2). */
export const MIN_SECRET_BYTES = 32;

/** `none`, `jwt`, or `hook` (your app answers, over HTTP, whether a request may go on: docs/security.md). */
export function parseAuthMode(raw: string): AuthMode {
  const value = raw.trim().toLowerCase();
  if (value === 'none' || value === 'jwt' || value === 'hook') return value;
  throw new Error(`"${raw}" is not one of none, jwt, hook`);
}

/** Empty, or a secret of at least MIN_SECRET_BYTES bytes. */
export function parseJwtSecret(raw: string): string {
  if (raw !== '' && Buffer.byteLength(raw, 'utf8') < MIN_SECRET_BYTES) {
    throw new Error(`must be at least ${MIN_SECRET_BYTES} bytes (e.g. the output of: openssl rand -base64 48)`);
  }
  return raw;
}

/** A comma-separated allow-list of JWS algorithms; empty: derived from the key source. */
export function parseJwtAlgorithms(raw: string): string[] {
  const names = raw
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean);
  for (const name of names) {
    if (name.toLowerCase() === 'none') throw new Error('"none" is never accepted: an unsigned token proves nothing');
    if (!JWT_ALGORITHMS.includes(name)) throw new Error(`"${name}" is not one of ${JWT_ALGORITHMS.join(', ')}`);
  }
  return names;
}

/** Empty, or the URL of a JWKS: https, or http only on a loopback address (a key set fetched in clear over a network could be forged). */
export function parseJwksUrl(raw: string): string {
  if (raw === '') return '';
  const url = parseUrl(raw);
  if (url.protocol === 'https:') return url.href;
  if (url.protocol === 'http:' && isLoopbackHost(url.hostname)) return url.href;
  throw new Error(`"${raw}" must be an https URL (http only on 127.0.0.1, ::1 or localhost)`);
}

/** Whether a host name or address only reaches this machine. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '').toLowerCase();
  return bare === 'localhost' || bare === '::1' || /^127(?:\.\d{1,3}){3}$/.test(bare);
}

/** Empty, or the http(s) URL of the authorization hook. */
export function parseHookUrl(raw: string): string {
  if (raw === '') return '';
  const url = parseUrl(raw);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`"${raw}" must be an http or https URL`);
  return url.href;
}

/** A comma-separated list of request header names forwarded to the hook, lower-cased. */
export function parseHookHeaders(raw: string): string[] {
  const names = raw
    .split(',')
    .map((name) => name.trim().toLowerCase())
    .filter(Boolean);
  for (const name of names) {
    if (!/^[!#$%&'*+.^`|~0-9a-z-]+$/.test(name)) throw new Error(`"${name}" is not a header name`);
  }
  return names;
}

function parseUrl(raw: string): URL {
  try {
    return new URL(raw);
  } catch {
    throw new Error(`"${raw}" is not a URL`);
  }
}
