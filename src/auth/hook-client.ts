import { AppError } from '../errors/app-error.js';
import { appError } from '../errors/catalogue.js';
import { type DecodedMetadata, encodeMetadata, formatUploadMetadata, parseUploadMetadata } from '../uploads/metadata.js';

/** What a request asks the hook about (FERRY_AUTH=hook). */
export const HOOK_ACTIONS = ['create', 'resume', 'download', 'delete', 'import', 'read-report'] as const;
export type HookAction = (typeof HOOK_ACTIONS)[number];

/** The JSON body ferry POSTs to the hook. */
export interface HookRequest {
  action: HookAction;
  /** Creation: the declared size and metadata; any other upload action: the id (only the id: nothing is read from the store to ask). */
  upload?: { id?: string; size?: number; metadata?: DecodedMetadata };
  /** The allow-listed request headers (FERRY_AUTH_HOOK_HEADERS), lower-case names. */
  headers: Record<string, string>;
}

/** The hook's answer, checked. */
export type HookAnswer =
  | { allow: true; owner: string | undefined; admin: boolean; metadata: DecodedMetadata | undefined }
  | { allow: false; status: number; message: string };

export interface HookClientOptions {
  url: string;
  /** The longest wait for one attempt; a failed attempt is tried once more. */
  timeoutMs: number;
}

/** Seconds a client is told to wait (Retry-After) when the hook cannot answer. */
export const HOOK_RETRY_AFTER_SECONDS = 1;
const MAX_OWNER_LENGTH = 256;
const MAX_MESSAGE_LENGTH = 500;

/** Asks the hook; throws AUTH_HOOK_UNAVAILABLE (503) when it gives no usable answer twice. */
export type AskHook = (request: HookRequest) => Promise<HookAnswer>;

/**
 * The hook over HTTP: a POST of the request as JSON, each attempt cut at `timeoutMs`, one
 * retry. It fails closed: unreachable, timed out, a redirect, a 5xx or an answer that is not
 * the documented JSON is a 503, never a request let through. A 4xx is the hook's refusal.
 */
export function createHookClient({ url, timeoutMs }: HookClientOptions): AskHook {
  async function attempt(body: string): Promise<HookAnswer> {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body,
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await response.text();
    if (response.status >= 400 && response.status < 500) return { allow: false, status: response.status, message: refusalMessage(text) };
    if (response.status !== 200) throw new Error(`the hook answered ${response.status}`);
    return readAnswer(text);
  }

  return async function askHook(request) {
    const body = JSON.stringify(request);
    try {
      return await attempt(body);
    } catch {
      try {
        return await attempt(body);
      } catch (cause) {
        // The cause names the failure (timeout, refused connection, status), never a forwarded header.
        throw appError('AUTH_HOOK_UNAVAILABLE', { cause, details: { retryAfter: HOOK_RETRY_AFTER_SECONDS } });
      }
    }
  };
}

/** The error a refusal becomes: the hook's 4xx status and message. */
export function hookDenied(answer: { status: number; message: string }): AppError {
  return new AppError('AUTH_HOOK_DENIED', answer.status, answer.message);
}

/** A 200's body: `{"allow": true, "owner"?, "admin"?, "metadata"?}` or `{"allow": false, "status"?, "message"?}`. */
function readAnswer(text: string): HookAnswer {
  const answer = JSON.parse(text) as unknown;
  if (typeof answer !== 'object' || answer === null || Array.isArray(answer)) throw new Error('the hook answer is not a JSON object');
  const { allow, owner, admin, metadata, status, message } = answer as Record<string, unknown>;
  if (allow === false) {
    // Only a client error passes through: anything else would tell the client to retry or blame ferry.
    const refusal = typeof status === 'number' && Number.isInteger(status) && status >= 400 && status < 500 ? status : 403;
    return { allow: false, status: refusal, message: typeof message === 'string' ? cleanMessage(message) : defaultRefusal() };
  }
  if (allow !== true) throw new Error('the hook answer has no boolean allow');
  if (owner !== undefined && (typeof owner !== 'string' || owner === '' || owner.length > MAX_OWNER_LENGTH)) {
    throw new Error(`the hook answer's owner is not a string of 1 to ${MAX_OWNER_LENGTH} characters`);
  }
  if (admin !== undefined && typeof admin !== 'boolean') throw new Error("the hook answer's admin is not a boolean");
  return { allow: true, owner, admin: admin === true, metadata: metadata === undefined ? undefined : checkedMetadata(metadata) };
}

/** Metadata the hook sets: text values (or null), keys Upload-Metadata can carry. */
function checkedMetadata(value: unknown): DecodedMetadata {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error("the hook answer's metadata is not an object");
  const metadata = value as Record<string, unknown>;
  if (Object.values(metadata).some((entry) => entry !== null && typeof entry !== 'string')) {
    throw new Error("the hook answer's metadata values are not strings or null");
  }
  const decoded = metadata as DecodedMetadata;
  // Stored as Upload-Metadata would be: the same checks on keys and count as a client's header.
  if (Object.keys(decoded).length > 0) parseUploadMetadata(formatUploadMetadata(encodeMetadata(decoded)));
  return decoded;
}

/** A 4xx body: its JSON `message` (or `error.message`), else its text, else the default. */
function refusalMessage(text: string): string {
  try {
    const body = JSON.parse(text) as { message?: unknown; error?: { message?: unknown } } | null;
    const message = body?.message ?? body?.error?.message;
    if (typeof message === 'string') return cleanMessage(message);
  } catch {
    // Not JSON: the text itself.
  }
  return text.trim() === '' ? defaultRefusal() : cleanMessage(text);
}

function cleanMessage(text: string): string {
  const cleaned = text
    .replace(/[\x00-\x1f\x7f]+/g, ' ')
    .trim()
    .slice(0, MAX_MESSAGE_LENGTH);
  return cleaned === '' ? defaultRefusal() : cleaned;
}

function defaultRefusal(): string {
  return appError('AUTH_HOOK_DENIED').message;
}
