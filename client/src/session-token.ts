/**
 * The page's credential for a server with FERRY_AUTH=jwt: a bearer token kept in
 * sessionStorage, so it lasts while the tab is open and never outlives it (never
 * localStorage, never a URL or query: URLs end up in history, logs and Referer headers).
 */

const STORAGE_KEY = 'ferry-token';

/** The token of a `#token=<jwt>` fragment, if the address has one (links handed out by a sign-in page). */
export function tokenFromFragment(hash: string): string | undefined {
  const token = new URLSearchParams(hash.replace(/^#/, '')).get('token')?.trim();
  return token === undefined || token === '' ? undefined : token;
}

/**
 * Moves a `#token=` fragment into sessionStorage and takes it out of the address bar
 * (history.replaceState: no new history entry keeps it either).
 */
export function adoptFragmentToken(): void {
  const token = tokenFromFragment(window.location.hash);
  if (token === undefined) return;
  saveToken(token);
  window.history.replaceState(window.history.state, '', `${window.location.pathname}${window.location.search}`);
}

export function readToken(): string | undefined {
  try {
    return window.sessionStorage.getItem(STORAGE_KEY) ?? undefined;
  } catch {
    // Storage can be switched off; the page then works anonymously.
    return undefined;
  }
}

export function saveToken(token: string): void {
  window.sessionStorage.setItem(STORAGE_KEY, token);
}

export function forgetToken(): void {
  window.sessionStorage.removeItem(STORAGE_KEY);
}

/** `Authorization: Bearer <token>` when the page has a token; nothing otherwise. */
export function authorizationHeaders(token = readToken()): Record<string, string> {
  return token === undefined ? {} : { Authorization: `Bearer ${token}` };
}

/**
 * The `sub` claim of a JWT, read for display only: the server verifies the token, the page
 * just says whose uploads these are. Undefined when the payload cannot be read.
 */
export function subjectOf(token: string): string | undefined {
  const payload = token.split('.')[1];
  if (payload === undefined || payload === '') return undefined;
  try {
    const base64 = payload
      .replace(/-/g, '+')
      .replace(/_/g, '/')
      .padEnd(Math.ceil(payload.length / 4) * 4, '=');
    const bytes = Uint8Array.from(atob(base64), (character) => character.charCodeAt(0));
    const claims = JSON.parse(new TextDecoder().decode(bytes)) as { sub?: unknown } | null;
    return typeof claims?.sub === 'string' && claims.sub !== '' ? claims.sub : undefined;
  } catch {
    return undefined;
  }
}

/** Who the page uploads as, in words: the token's owner, "anonymous" without a token. */
export function describeOwner(token: string | undefined): string {
  if (token === undefined) return 'anonymous';
  return subjectOf(token) ?? 'a token whose owner cannot be read';
}
