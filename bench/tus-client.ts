import { type Agent, type ClientRequest, type IncomingHttpHeaders, request } from 'node:http';
import { performance } from 'node:perf_hooks';
import { writePayload } from './payload.js';
import { TUS_PATH } from './server-specs.js';

const IDLE_TIMEOUT_MS = 60_000;
const KEPT_BODY_CHARS = 300;

/** What every request of one case shares: the server, a keep-alive agent and the case deadline. */
export interface ClientContext {
  baseUrl: string;
  agent: Agent;
  signal: AbortSignal;
  /** Sent on every request (the server's credentials, if it wants any). */
  headers: Readonly<Record<string, string>>;
}

interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

function send(
  ctx: ClientContext,
  url: URL,
  method: string,
  headers: Record<string, string>,
  writeBody?: (req: ClientRequest) => Promise<void>,
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers: { ...ctx.headers, ...headers }, agent: ctx.agent, signal: ctx.signal, timeout: IDLE_TIMEOUT_MS }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => {
        if (body.length < KEPT_BODY_CHARS) body += chunk.toString();
      });
      res.on('error', reject);
      res.on('end', () => {
        // A server may answer (an error) before reading the whole body; stop sending.
        if (!req.writableFinished) req.destroy();
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: body.slice(0, KEPT_BODY_CHARS) });
      });
    });
    req.on('timeout', () => req.destroy(new Error(`${method} ${url.pathname}: no progress for ${IDLE_TIMEOUT_MS / 1000} s`)));
    req.on('error', reject);
    if (writeBody === undefined) req.end();
    else writeBody(req).catch((error: unknown) => req.destroy(error as Error));
  });
}

function expectStatus(reply: Reply, expected: number, what: string): void {
  if (reply.status !== expected) {
    throw new Error(`${what}: expected HTTP ${expected}, got ${reply.status}${reply.body.trim() === '' ? '' : `: ${reply.body.trim()}`}`);
  }
}

function header(reply: Reply, name: string, what: string): string {
  const value = reply.headers[name];
  if (typeof value !== 'string') throw new Error(`${what}: response has no ${name} header`);
  return value;
}

const TUS = { 'Tus-Resumable': '1.0.0' };

/** POST with Upload-Length (tus creation); returns the upload URL. */
export async function createUpload(ctx: ClientContext, length: number): Promise<URL> {
  const reply = await send(ctx, new URL(TUS_PATH, ctx.baseUrl), 'POST', { ...TUS, 'Upload-Length': String(length), 'Content-Length': '0' });
  expectStatus(reply, 201, 'POST');
  return new URL(header(reply, 'location', 'POST'), ctx.baseUrl);
}

/**
 * PATCH payload bytes [offset, offset + length), with `headers` added (Upload-Checksum);
 * checks the new Upload-Offset and returns the latency in ms.
 */
export async function patchUpload(ctx: ClientContext, url: URL, offset: number, length: number, headers: Record<string, string> = {}): Promise<number> {
  const started = performance.now();
  const reply = await send(
    ctx,
    url,
    'PATCH',
    {
      ...TUS,
      'Upload-Offset': String(offset),
      'Content-Type': 'application/offset+octet-stream',
      'Content-Length': String(length),
      ...headers,
    },
    (req) => writePayload(req, offset, length),
  );
  const latencyMs = performance.now() - started;
  const what = `PATCH at offset ${offset}`;
  expectStatus(reply, 204, what);
  const newOffset = Number(header(reply, 'upload-offset', what));
  if (newOffset !== offset + length) throw new Error(`${what}: Upload-Offset ${newOffset}, expected ${offset + length}`);
  return latencyMs;
}

/** HEAD; returns Upload-Offset. */
export async function headOffset(ctx: ClientContext, url: URL): Promise<number> {
  const reply = await send(ctx, url, 'HEAD', TUS);
  expectStatus(reply, 200, 'HEAD');
  return Number(header(reply, 'upload-offset', 'HEAD'));
}

/** DELETE (tus termination), best effort: the bench removes leftover files itself. */
export async function deleteUpload(ctx: ClientContext, url: URL): Promise<void> {
  await send(ctx, url, 'DELETE', TUS);
}

/** The upload id: the last path segment of its URL (the stored file's name for every server here). */
export function uploadId(url: URL): string {
  return decodeURIComponent(
    url.pathname
      .split('/')
      .filter((part) => part !== '')
      .at(-1) ?? '',
  );
}
