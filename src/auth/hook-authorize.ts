import { createHash } from 'node:crypto';
import type { Authorize, RequestScope } from '../http/authorize.js';
import { parseUploadMetadata } from '../uploads/metadata.js';
import { type AskHook, type HookAction, type HookAnswer, type HookRequest, hookDenied } from './hook-client.js';
import type { Principal, PrincipalAction } from './principal.js';

export interface HookAuthorizeOptions {
  ask: AskHook;
  /** The request headers forwarded to the hook (lower-case names). */
  headers: readonly string[];
  /** How long an answer is reused for the same credential, upload and action; 0: never. */
  cacheMs: number;
  /** The most answers kept; the oldest goes first. */
  maxCached?: number;
}

/**
 * The principal authentication gives every request in hook mode, until the hook answered:
 * it owns nothing and may do nothing (an empty action set), so a request that reached a
 * handler without asking the hook would be refused, not let through.
 */
export const HOOK_PENDING: Principal = Object.freeze({ owner: undefined, admin: false, actions: new Set<PrincipalAction>() });

const DEFAULT_MAX_CACHED = 10_000;

/**
 * FERRY_AUTH=hook as the authorization seam: the hook is asked with the request's action,
 * upload and forwarded headers, and its answer is the principal (owner, admin) and, for a
 * creation, the metadata stored. A refusal is the hook's 4xx. Answers are reused for
 * `cacheMs` per (credential, upload, action), so the PATCHes of one upload ask once; a
 * creation or an import is always asked (each is a new thing with its own length and metadata).
 * The cache is keyed by a hash: no forwarded header value is kept in clear.
 */
export function createHookAuthorize({ ask, headers: forwarded, cacheMs, maxCached = DEFAULT_MAX_CACHED }: HookAuthorizeOptions): Authorize {
  const cache = new Map<string, { answer: HookAnswer; expires: number }>();

  async function answerTo(request: HookRequest): Promise<HookAnswer> {
    const reusable = cacheMs > 0 && request.action !== 'create' && request.action !== 'import';
    if (!reusable) return ask(request);
    const key = createHash('sha256')
      .update(JSON.stringify([request.action, request.upload?.id ?? null, request.headers]))
      .digest('base64url');
    const now = Date.now();
    const cached = cache.get(key);
    if (cached !== undefined && cached.expires > now) return cached.answer;
    const answer = await ask(request);
    cache.delete(key);
    cache.set(key, { answer, expires: now + cacheMs });
    if (cache.size > maxCached) cache.delete(cache.keys().next().value as string);
    return answer;
  }

  return async function authorizeByHook(scope, _principal, headers) {
    const request = hookRequestOf(scope, headers, forwarded);
    if (request === undefined) return undefined;
    const answer = await answerTo(request);
    if (!answer.allow) throw hookDenied(answer);
    const principal: Principal = { owner: answer.owner, admin: answer.admin };
    return request.action === 'create' && answer.metadata !== undefined ? { principal, metadata: answer.metadata } : { principal };
  };
}

/** The hook's question for a request; undefined for one that needs none (OPTIONS). */
export function hookRequestOf(scope: RequestScope, headers: Headers, forwarded: readonly string[]): HookRequest | undefined {
  const action = hookActionOf(scope);
  if (action === undefined) return undefined;
  const request: HookRequest = { action, headers: forwardedHeaders(headers, forwarded) };
  if (scope.kind === 'upload') request.upload = scope.action === 'create' ? declaredUpload(headers) : { id: scope.uploadId };
  return request;
}

function hookActionOf(scope: RequestScope): HookAction | undefined {
  if (scope.kind === 'import') return scope.action === 'create' ? 'import' : 'read-report';
  switch (scope.action) {
    case 'create':
      return 'create';
    // HEAD is how a client resumes: it is part of resuming.
    case 'resume':
    case 'read-offset':
      return 'resume';
    case 'download':
      return 'download';
    case 'delete':
      return 'delete';
    case 'options':
      return undefined;
  }
}

/** A creation's declared length and metadata, as far as they are well-formed (the handler refuses the rest with its own 400). */
function declaredUpload(headers: Headers): NonNullable<HookRequest['upload']> {
  const upload: NonNullable<HookRequest['upload']> = {};
  const length = headers.get('upload-length');
  if (length !== null && /^\d{1,15}$/.test(length)) upload.size = Number(length);
  const metadata = headers.get('upload-metadata');
  if (metadata !== null) {
    try {
      upload.metadata = parseUploadMetadata(metadata).decoded;
    } catch {
      // Malformed: the creation handler answers 400; the hook is told of no metadata.
    }
  }
  return upload;
}

function forwardedHeaders(headers: Headers, names: readonly string[]): Record<string, string> {
  const forwarded: Record<string, string> = {};
  for (const name of names) {
    const value = headers.get(name);
    if (value !== null) forwarded[name] = value;
  }
  return forwarded;
}
