import type { Principal } from '../auth/principal.js';

/**
 * Whom a rate limit counts against: the owner, or the client's IP address while the
 * principal is anonymous. The prefixes keep an owner named like an address apart from it.
 */
export function subjectOf(principal: Principal, clientIp: string): string {
  return principal.owner === undefined ? `ip:${clientIp}` : `owner:${principal.owner}`;
}
