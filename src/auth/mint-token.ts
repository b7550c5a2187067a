import { SignJWT } from 'jose';
import type { PrincipalAction } from './principal.js';
import { CLAIMS } from './token-claims.js';

export interface MintTokenOptions {
  secret: string;
  subject: string;
  /** Lifetime in seconds. */
  ttlSeconds: number;
  actions?: readonly PrincipalAction[];
  maxUploadSize?: number;
  schemas?: readonly string[];
  issuer?: string;
  audience?: string;
  now?: () => number;
}

/** An HS256 token for `ferry token` (development and tests): sub, iat, exp and the ferry_* claims asked for. */
export async function mintToken({
  secret,
  subject,
  ttlSeconds,
  actions,
  maxUploadSize,
  schemas,
  issuer,
  audience,
  now = Date.now,
}: MintTokenOptions): Promise<string> {
  const claims: Record<string, unknown> = {};
  if (actions !== undefined) claims[CLAIMS.actions] = [...actions];
  if (maxUploadSize !== undefined) claims[CLAIMS.maxUploadSize] = maxUploadSize;
  if (schemas !== undefined) claims[CLAIMS.schemas] = [...schemas];
  const issuedAt = Math.floor(now() / 1000);
  const jwt = new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(subject)
    .setIssuedAt(issuedAt)
    .setExpirationTime(issuedAt + ttlSeconds);
  if (issuer !== undefined && issuer !== '') jwt.setIssuer(issuer);
  if (audience !== undefined && audience !== '') jwt.setAudience(audience);
  return jwt.sign(new TextEncoder().encode(secret));
}
