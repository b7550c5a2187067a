import type { JWTPayload } from 'jose';
import { appError } from '../errors/catalogue.js';
import { PRINCIPAL_ACTIONS, type Principal, type PrincipalAction } from './principal.js';

/** The claims by which a token narrows what its subject may do (docs/security.md). */
export const CLAIMS = {
  /** A list of actions, some of upload, download, delete, import, admin; absent: every action but admin. */
  actions: 'ferry_actions',
  /** The largest upload the token may create, in bytes (a positive integer); absent: only the server's limit. */
  maxUploadSize: 'ferry_max_size',
  /** The import schemas the token may use (a list of names); absent: all of them. */
  schemas: 'ferry_schemas',
} as const;

const MAX_SUBJECT_LENGTH = 256;

/**
 * The principal a verified token speaks for: `sub` is the owner; the ferry_* claims narrow
 * it. `admin` among the actions makes an admin, who may take every action on every owner's
 * uploads and imports. A claim of the wrong shape makes the whole token invalid rather than
 * being ignored: ignoring a narrowing claim would widen the token.
 */
export function principalFromClaims(payload: JWTPayload): Principal {
  const { sub } = payload;
  if (typeof sub !== 'string' || sub === '' || sub.length > MAX_SUBJECT_LENGTH) {
    throw invalidClaim(`The token's sub claim must be a non-empty string of at most ${MAX_SUBJECT_LENGTH} characters.`);
  }
  const principal: Principal = { owner: sub, admin: false };
  const actions = payload[CLAIMS.actions];
  if (actions !== undefined) {
    if (!Array.isArray(actions) || !actions.every(isPrincipalAction)) {
      throw invalidClaim(`The token's ${CLAIMS.actions} claim must be a list of ${PRINCIPAL_ACTIONS.join(', ')}.`);
    }
    principal.admin = actions.includes('admin');
    principal.actions = new Set(principal.admin ? PRINCIPAL_ACTIONS : actions);
  }
  const maxUploadSize = payload[CLAIMS.maxUploadSize];
  if (maxUploadSize !== undefined) {
    if (typeof maxUploadSize !== 'number' || !Number.isSafeInteger(maxUploadSize) || maxUploadSize < 0) {
      throw invalidClaim(`The token's ${CLAIMS.maxUploadSize} claim must be a whole number of bytes.`);
    }
    principal.maxUploadSize = maxUploadSize;
  }
  const schemas = payload[CLAIMS.schemas];
  if (schemas !== undefined) {
    if (!Array.isArray(schemas) || !schemas.every((schema) => typeof schema === 'string')) {
      throw invalidClaim(`The token's ${CLAIMS.schemas} claim must be a list of schema names.`);
    }
    principal.schemas = Object.freeze([...schemas]);
  }
  return Object.freeze(principal);
}

function isPrincipalAction(value: unknown): value is PrincipalAction {
  return typeof value === 'string' && (PRINCIPAL_ACTIONS as readonly string[]).includes(value);
}

function invalidClaim(message: string) {
  return appError('AUTH_INVALID', { message });
}
