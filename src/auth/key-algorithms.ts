import { createPublicKey, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';

/** JWS algorithms that verify with a shared secret. */
export const HMAC_ALGORITHMS = ['HS256', 'HS384', 'HS512'] as const;
/** JWS algorithms that verify with a public key. */
export const PUBLIC_KEY_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519'] as const;
/** Every algorithm FERRY_JWT_ALGORITHMS may name. `none` is never one: an unsigned token proves nothing. */
export const JWT_ALGORITHMS: readonly string[] = [...HMAC_ALGORITHMS, ...PUBLIC_KEY_ALGORITHMS];
/** A JWKS may hold keys of any of these types; HMAC is not among them (a JWKS URL is public). */
export const JWKS_DEFAULT_ALGORITHMS = ['RS256', 'ES256', 'EdDSA', 'Ed25519'] as const;

const EC_ALGORITHMS: Record<string, string> = { prime256v1: 'ES256', secp384r1: 'ES384', secp521r1: 'ES512' };

/** A public key from a PEM (SPKI) file, with the algorithms it can verify: the first ones are the default allow-list. */
export interface PublicKey {
  key: KeyObject;
  /** What this key type can verify at all. */
  usable: readonly string[];
  /** The allow-list when FERRY_JWT_ALGORITHMS is empty. */
  defaults: readonly string[];
}

/** Reads and parses a PEM public key; throws a plain message (for the config table) when it is not one. */
export function readPublicKeyFile(file: string): PublicKey {
  let pem: string;
  try {
    pem = readFileSync(file, 'utf8');
  } catch (error) {
    throw new Error(`cannot read "${file}" (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  // createPublicKey would quietly derive a public key from a private one: a private key does not belong on this server.
  if (/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(pem)) throw new Error(`"${file}" holds a private key: give the public key (PEM, SPKI)`);
  let key: KeyObject;
  try {
    key = createPublicKey({ key: pem, format: 'pem' });
  } catch {
    throw new Error(`"${file}" is not a PEM public key (-----BEGIN PUBLIC KEY-----)`);
  }
  const algorithms = algorithmsOfKey(key);
  if (algorithms === undefined)
    throw new Error(`"${file}" holds a ${key.asymmetricKeyType ?? 'unknown'} key: use an RSA, EC (P-256, P-384, P-521) or Ed25519 key`);
  return { key, ...algorithms };
}

function algorithmsOfKey(key: KeyObject): { usable: string[]; defaults: string[] } | undefined {
  switch (key.asymmetricKeyType) {
    case 'rsa':
      return { usable: ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512'], defaults: ['RS256'] };
    case 'rsa-pss':
      return { usable: ['PS256', 'PS384', 'PS512'], defaults: ['PS256'] };
    case 'ec': {
      const algorithm = EC_ALGORITHMS[key.asymmetricKeyDetails?.namedCurve ?? ''];
      return algorithm === undefined ? undefined : { usable: [algorithm], defaults: [algorithm] };
    }
    case 'ed25519':
      return { usable: ['EdDSA', 'Ed25519'], defaults: ['EdDSA', 'Ed25519'] };
    default:
      return undefined;
  }
}
