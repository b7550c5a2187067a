import { createHash } from 'node:crypto';
import { type IncomingHttpHeaders, request } from 'node:http';

/**
 * Raw HTTP for the cluster tests. Every request opens a new connection (`agent: false`), so
 * requests through the round-robin proxy really go to the next instance each time.
 */
export const TUS = { 'Tus-Resumable': '1.0.0' } as const;

export interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface SendOptions {
  method: string;
  headers?: Record<string, string>;
  body?: Buffer;
}

/** One request on a fresh connection; rejects on a connection error (a killed instance). */
export function send(url: string, { method, headers = {}, body }: SendOptions): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method, headers: { ...headers, ...(body === undefined ? {} : { 'Content-Length': String(body.length) }) }, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () => {
          // A server may answer (an error) before it read the whole body: stop sending.
          if (!req.writableFinished) req.destroy();
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString() });
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** The JSON error code of an error reply (`{error: {code}}`), or undefined. */
export function errorCodeOf(reply: Reply): string | undefined {
  try {
    const parsed = JSON.parse(reply.body) as { error?: { code?: unknown } };
    return typeof parsed.error?.code === 'string' ? parsed.error.code : undefined;
  } catch {
    return undefined;
  }
}

/** tus Upload-Metadata from plain strings. */
export function encodeMetadata(metadata: Record<string, string>): string {
  return Object.entries(metadata)
    .map(([key, value]) => `${key} ${Buffer.from(value).toString('base64')}`)
    .join(',');
}

/** POST (tus creation) through `baseUrl`; resolves with the raw reply. */
export function postCreate(baseUrl: string, length: number, metadata: Record<string, string> = {}): Promise<Reply> {
  const headers: Record<string, string> = { ...TUS, 'Upload-Length': String(length) };
  if (Object.keys(metadata).length > 0) headers['Upload-Metadata'] = encodeMetadata(metadata);
  return send(`${baseUrl}/files/`, { method: 'POST', headers, body: Buffer.alloc(0) });
}

/** Creates an upload through `baseUrl` and returns its absolute URL on `baseUrl`. */
export async function createUpload(baseUrl: string, length: number, metadata: Record<string, string> = {}): Promise<string> {
  const reply = await postCreate(baseUrl, length, metadata);
  if (reply.status !== 201) throw new Error(`POST: ${reply.status} ${reply.body}`);
  return new URL(String(reply.headers.location), `${baseUrl}/files/`).href;
}

/** The upload's URL on another base (an instance instead of the proxy). */
export function uploadUrlOn(baseUrl: string, uploadUrl: string): string {
  return new URL(new URL(uploadUrl).pathname, baseUrl).href;
}

export function uploadIdOf(uploadUrl: string): string {
  return new URL(uploadUrl).pathname.split('/').pop()!;
}

export function head(uploadUrl: string): Promise<Reply> {
  return send(uploadUrl, { method: 'HEAD', headers: TUS });
}

export async function headOffset(uploadUrl: string): Promise<number> {
  const reply = await head(uploadUrl);
  if (reply.status !== 200) throw new Error(`HEAD: ${reply.status}`);
  return Number(reply.headers['upload-offset']);
}

export function patch(uploadUrl: string, offset: number, body: Buffer): Promise<Reply> {
  return send(uploadUrl, {
    method: 'PATCH',
    headers: { ...TUS, 'Upload-Offset': String(offset), 'Content-Type': 'application/offset+octet-stream' },
    body,
  });
}

/**
 * Sends `content` to `uploadUrl` from the server's offset on, `chunkSize` at a time, as a
 * patient client does: a failed request (a connection error, a 5xx, a 409 or 423) is answered by
 * asking HEAD again and going on from there, until `deadlineMs` passes. Returns how many
 * requests failed, by status ('error' for a connection error).
 */
export async function sendRest(uploadUrl: string, content: Buffer, chunkSize: number, deadlineMs = 30_000): Promise<Record<string, number>> {
  const failures: Record<string, number> = {};
  const fail = (what: string) => {
    failures[what] = (failures[what] ?? 0) + 1;
  };
  const deadline = Date.now() + deadlineMs;
  let offset: number | undefined;
  while (offset !== content.length) {
    if (Date.now() > deadline) throw new Error(`upload not finished by the deadline (offset ${offset}, failures ${JSON.stringify(failures)})`);
    try {
      if (offset === undefined) {
        const reply = await head(uploadUrl);
        if (reply.status !== 200) {
          fail(String(reply.status));
          continue;
        }
        offset = Number(reply.headers['upload-offset']);
        continue;
      }
      const reply = await patch(uploadUrl, offset, content.subarray(offset, offset + chunkSize));
      if (reply.status === 204) offset = Number(reply.headers['upload-offset']);
      else {
        fail(String(reply.status));
        offset = undefined;
      }
    } catch {
      fail('error');
      offset = undefined;
    }
    if (offset === undefined) await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return failures;
}

/** sha256 (hex) of a finished upload, downloaded with GET. */
export async function downloadSha256(uploadUrl: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request(uploadUrl, { agent: false }, (res) => {
      if (res.statusCode !== 200) {
        res.resume();
        reject(new Error(`GET ${uploadUrl}: ${res.statusCode}`));
        return;
      }
      const hash = createHash('sha256');
      res.on('data', (chunk: Buffer) => hash.update(chunk));
      res.on('error', reject);
      res.on('end', () => resolve(hash.digest('hex')));
    });
    req.on('error', reject);
    req.end();
  });
}

export function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** A PATCH whose body is sent in parts, on its own connection, and may be left hanging. */
export interface OpenPatch {
  write(data: Buffer): void;
  /** The reply whenever it comes, or the connection error (the server cut it, or it died). */
  reply: Promise<Reply | Error>;
  destroy(): void;
}

/** Starts a PATCH that declares `contentLength` bytes and sends only `firstPart` of them so far. */
export function openPatch(uploadUrl: string, offset: number, contentLength: number, firstPart: Buffer): OpenPatch {
  const req = request(uploadUrl, {
    method: 'PATCH',
    agent: false,
    headers: { ...TUS, 'Upload-Offset': String(offset), 'Content-Type': 'application/offset+octet-stream', 'Content-Length': String(contentLength) },
  });
  const reply = new Promise<Reply | Error>((resolve) => {
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString() }));
      res.on('error', resolve);
    });
    req.on('error', resolve);
  });
  req.flushHeaders();
  req.write(firstPart);
  return { write: (data) => req.write(data), reply, destroy: () => req.destroy() };
}
