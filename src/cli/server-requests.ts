import { get as httpGet } from 'node:http';
import { get as httpsGet } from 'node:https';
import { CommandError } from './command-failure.js';
import { EXIT_PROBLEMS, EXIT_UNAVAILABLE } from './exit-codes.js';

/**
 * A route of the ferry server the tus endpoint belongs to: the endpoint is `<server>/files/`,
 * so `../imports/x` is `<server>/imports/x`, behind a path prefix too.
 */
export function serverUrl(endpoint: string, route: string): string {
  return new URL(`../${route}`, endpoint).href;
}

/** The headers that carry the command's token, if it has one: `Authorization: Bearer <token>`. */
export function authorizationHeaders(token: string | undefined): Record<string, string> {
  return token === undefined ? {} : { Authorization: `Bearer ${token}` };
}

export interface JsonAnswer {
  status: number;
  body: unknown;
}

/**
 * GET `url` as JSON. Only a request that gets no answer throws: a CommandError, exit 3. Node's
 * http, not fetch: fetch refuses ports it deems unsafe for browsers (6000, 10080, ...), and
 * tus-js-client, which sends the uploads, has no such list.
 */
export function getJson(url: string, token: string | undefined, signal?: AbortSignal): Promise<JsonAnswer> {
  const headers = { Accept: 'application/json', ...authorizationHeaders(token) };
  return new Promise((resolve, reject) => {
    const request = (url.startsWith('https:') ? httpsGet : httpGet)(url, { headers, signal }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: parseJson(Buffer.concat(chunks).toString('utf8')) }));
      response.on('error', (error) => reject(unreachable(url, error)));
    });
    request.on('error', (error) => reject(signal?.aborted ? signal.reason : unreachable(url, error)));
  });
}

/** `cannot reach <url>: connect ECONNREFUSED 127.0.0.1:1080`, exit 3. */
export function unreachable(url: string, error: unknown): CommandError {
  return new CommandError(`cannot reach ${url}: ${networkReason(error)}`, EXIT_UNAVAILABLE, { cause: error });
}

/**
 * The server answered `status` where the command needed another answer: `what: 413
 * UPLOAD_TOO_LARGE: <the server's message>`. A 4xx is a refusal that asking again will not
 * change (exit 1); anything else means the server failed (exit 3).
 */
export function badAnswer(what: string, status: number, body: unknown): CommandError {
  const hint = status === 401 ? ` (${TOKEN_HINT})` : '';
  return new CommandError(`${what}: ${describeAnswer(status, body)}${hint}`, status >= 400 && status < 500 ? EXIT_PROBLEMS : EXIT_UNAVAILABLE);
}

/** What a 401 asks of the user; the token itself is never printed. */
const TOKEN_HINT = 'the server wants a valid token: give one with --token or FERRY_TOKEN';

/** `413 UPLOAD_TOO_LARGE: The upload is larger …` from ferry's `{error: {code, message}}`, or the status alone. */
function describeAnswer(status: number, body: unknown): string {
  const error = (body as { error?: { code?: unknown; message?: unknown } } | undefined)?.error;
  if (typeof error?.code !== 'string') return `HTTP ${status}`;
  return typeof error.message === 'string' ? `${status} ${error.code}: ${oneLine(error.message)}` : `${status} ${error.code}`;
}

export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * The innermost cause's message: fetch's "fetch failed" and tus-js-client's "failed to create
 * upload" wrap the socket's `connect ECONNREFUSED 127.0.0.1:1080`. An AggregateError (one
 * attempt per address) has no message of its own: its first error's is used.
 */
function networkReason(error: unknown): string {
  let current = error as (Error & { code?: string; causingError?: unknown; errors?: unknown[] }) | undefined;
  for (;;) {
    const inner = current?.causingError ?? current?.cause ?? current?.errors?.[0];
    if (!(inner instanceof Error)) break;
    current = inner;
  }
  const message = current?.message || current?.code || String(error);
  return oneLine(message);
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, '; ');
}
