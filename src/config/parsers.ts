/** Value parsers for the settings table. Each returns the value or throws a plain message. */

const SIZE_UNITS: Record<string, number> = {
  '': 1,
  b: 1,
  k: 1024,
  kb: 1000,
  kib: 1024,
  m: 1024 ** 2,
  mb: 1000 ** 2,
  mib: 1024 ** 2,
  g: 1024 ** 3,
  gb: 1000 ** 3,
  gib: 1024 ** 3,
  t: 1024 ** 4,
  tb: 1000 ** 4,
  tib: 1024 ** 4,
};

export function parseInteger(min: number, max = Number.MAX_SAFE_INTEGER) {
  return (raw: string): number => {
    if (!/^\d+$/.test(raw.trim())) throw new Error(`"${raw}" is not a whole number`);
    const value = Number(raw.trim());
    if (value < min || value > max) throw new Error(`${value} is outside ${min}..${max}`);
    return value;
  };
}

/** Byte sizes: `1048576`, `8MiB`, `10 GB`, `0` (no limit where a setting allows it). */
export function parseByteSize(raw: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(raw);
  const unit = match ? SIZE_UNITS[match[2].toLowerCase()] : undefined;
  if (!match || unit === undefined) throw new Error(`"${raw}" is not a size such as 1048576, 8MiB or 10GB`);
  const value = Math.round(Number(match[1]) * unit);
  if (!Number.isSafeInteger(value)) throw new Error(`"${raw}" is too large`);
  return value;
}

export function parseChoice<T extends string>(choices: readonly T[]) {
  return (raw: string): T => {
    const value = raw.trim().toLowerCase() as T;
    if (!choices.includes(value)) throw new Error(`"${raw}" is not one of ${choices.join(', ')}`);
    return value;
  };
}

export function parseString(raw: string): string {
  return raw;
}

/** `text` as a URL, or an Error with `problem` as its message. */
function toUrl(text: string, problem: string): URL {
  try {
    return new URL(text);
  } catch {
    throw new Error(problem);
  }
}

export function parseHttpUrlOrEmpty(raw: string): string {
  if (raw === '') return '';
  const url = toUrl(raw, `"${raw}" is not a URL`);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`"${raw}" is not an http(s) URL`);
  return url.href.replace(/\/+$/, '');
}

/** `*` or a comma-separated list of origins such as `https://app.example.com`. */
export function parseOrigins(raw: string): string[] {
  const origins = raw
    .split(',')
    .map((origin) => origin.trim())
    .filter(Boolean);
  if (origins.length === 0) throw new Error('give "*" or at least one origin');
  for (const origin of origins) {
    if (origin === '*') continue;
    const url = toUrl(origin, `"${origin}" is not an origin such as https://app.example.com`);
    if (url.origin !== origin) throw new Error(`"${origin}" is not a bare origin (scheme://host[:port])`);
  }
  return origins;
}

/** Empty (the embedded SQLite) or a `postgres://` / `postgresql://` connection URL. */
export function parseDatabaseUrl(raw: string): string {
  if (raw === '') return '';
  // The problem never quotes the value: it may hold a password.
  const url = toUrl(raw, 'is not a URL such as postgres://user@host:5432/db');
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') throw new Error('must be a postgres:// URL (or empty for SQLite)');
  return raw;
}

/** A Redis URL (redis:// or rediss://), or empty: no cluster. */
export function parseRedisUrl(raw: string): string {
  if (raw === '') return '';
  // The problem never quotes the value: it may hold a password.
  const url = toUrl(raw, 'is not a URL such as redis://host:6379/0');
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') throw new Error('must be a redis:// or rediss:// URL (or empty for one process)');
  return raw;
}

/** A key for HMAC-signed links: empty (a random one is made at start), or at least 32 characters, so it cannot be guessed. */
export function parseLinkSecret(raw: string): string {
  if (raw !== '' && raw.length < 32) throw new Error('must be empty or at least 32 characters');
  return raw;
}
