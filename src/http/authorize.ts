import { checkAppendClaims, checkCreationClaims, checkSchemaClaim } from '../auth/claim-checks.js';
import type { Principal, PrincipalAction } from '../auth/principal.js';
import { appError } from '../errors/catalogue.js';
import { type DecodedMetadata, encodeMetadata, formatUploadMetadata } from '../uploads/metadata.js';
import type { UploadProtocol } from '../uploads/upload.js';

/** What a /files request asks to do, whatever protocol it speaks. */
export type UploadAction = 'create' | 'resume' | 'read-offset' | 'download' | 'delete' | 'options';

/** A /files request, resolved by the route table before its handler runs. */
export interface UploadRequestScope {
  kind: 'upload';
  protocol: UploadProtocol;
  action: UploadAction;
  /** The routed upload id (undefined for creation and discovery, or an invalid id: the handler answers 404). */
  uploadId: string | undefined;
}

/** An /imports request (create an import, or read one and its reports). */
export interface ImportRequestScope {
  kind: 'import';
  action: 'create' | 'read';
  /** The schema a creation names, read from its body only when the principal's schemas are narrowed. */
  schema?: string;
}

export type RequestScope = UploadRequestScope | ImportRequestScope;

/**
 * THE authorization seam: called once for every /files request (both protocols, after the
 * route table resolved it, before its handler runs) and every /imports request, with the
 * principal authentication produced (middleware/authenticate.ts). It throws an AppError to
 * refuse. Owner checks are the engine's (an upload of another owner is not found). It may
 * answer an outcome (FERRY_AUTH=hook: the hook names who the request speaks for only once it
 * knows the scope): the callers set its principal on the context before the handler runs.
 */
export type Authorize = (scope: RequestScope, principal: Principal, headers: Headers) => AuthorizeOutcome | undefined | Promise<AuthorizeOutcome | undefined>;

/** What an authorization step decided beyond letting the request through. */
export interface AuthorizeOutcome {
  /** Who the request speaks for, replacing the principal authentication produced. */
  principal: Principal;
  /** A creation's metadata, replacing the Upload-Metadata the client sent. */
  metadata?: DecodedMetadata;
}

/**
 * The request headers a creation handler reads once the authorization step replaced its
 * metadata: Upload-Metadata encoded from `metadata` (none when it is empty), so the encoded
 * and decoded forms stored stay the same metadata.
 */
export function headersWithMetadata(headers: Headers, metadata: DecodedMetadata): Headers {
  const replaced = new Headers(headers);
  if (Object.keys(metadata).length === 0) replaced.delete('upload-metadata');
  else replaced.set('upload-metadata', formatUploadMetadata(encodeMetadata(metadata)));
  return replaced;
}

/** Lets every request through (tests of the handlers alone). */
export const allowAll: Authorize = () => undefined;

/** The token action each /files action needs; discovery (OPTIONS) needs none. */
const UPLOAD_ACTION_CLAIMS: Record<UploadAction, PrincipalAction | undefined> = {
  create: 'upload',
  resume: 'upload',
  // HEAD is how a client resumes: part of uploading.
  'read-offset': 'upload',
  download: 'download',
  delete: 'delete',
  options: undefined,
};

/**
 * The claims of the principal's token: its ferry_actions must allow the action (403
 * AUTH_FORBIDDEN), a creation must fit its ferry_max_size (413) and name only schemas of
 * its ferry_schemas (403). A principal without those claims (every one with FERRY_AUTH=none)
 * passes.
 */
export const authorizeClaims: Authorize = (scope, principal, headers) => {
  const action = scope.kind === 'import' ? 'import' : UPLOAD_ACTION_CLAIMS[scope.action];
  if (action === undefined) return undefined;
  if (principal.actions !== undefined && !principal.actions.has(action)) {
    throw appError('AUTH_FORBIDDEN', { message: `The token does not allow ${action} (its ferry_actions claim).`, details: { action } });
  }
  if (scope.kind === 'import') {
    if (scope.action === 'create') checkSchemaClaim(principal, scope.schema);
  } else if (scope.action === 'create') {
    checkCreationClaims(principal, scope.protocol, headers);
  } else if (scope.action === 'resume') {
    checkAppendClaims(principal, headers);
  }
  return undefined;
};
