import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { unlink, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { announceReady, exitWhenParentGoes, parseChildArgs } from './child-args.js';

/**
 * The reference ceiling: a node:http handler that appends each PATCH body to a file
 * and keeps offsets in memory. Just enough tus for the bench client (POST, PATCH,
 * HEAD, DELETE, OPTIONS); no locking, no metadata, no fsync.
 */
interface BareUpload {
  length: number;
  offset: number;
}

const args = parseChildArgs(process.argv.slice(2));
const uploads = new Map<string, BareUpload>();
const TUS_HEADERS = { 'Tus-Resumable': '1.0.0' };

function reply(res: ServerResponse, status: number, headers: Record<string, string> = {}): void {
  res.writeHead(status, { ...TUS_HEADERS, ...headers }).end();
}

async function create(req: IncomingMessage, res: ServerResponse): Promise<void> {
  req.resume();
  const length = Number(req.headers['upload-length']);
  if (!Number.isSafeInteger(length) || length < 0) return reply(res, 400);
  const id = randomBytes(16).toString('hex');
  await writeFile(join(args.dataDir, id), '');
  uploads.set(id, { length, offset: 0 });
  reply(res, 201, { Location: `/files/${id}` });
}

async function append(req: IncomingMessage, res: ServerResponse, id: string, upload: BareUpload): Promise<void> {
  if (Number(req.headers['upload-offset']) !== upload.offset) {
    req.resume();
    return reply(res, 409, { 'Upload-Offset': String(upload.offset) });
  }
  const file = createWriteStream(join(args.dataDir, id), { flags: 'a' });
  await pipeline(req, file);
  upload.offset += file.bytesWritten;
  reply(res, 204, { 'Upload-Offset': String(upload.offset) });
}

async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
  req.on('error', () => undefined);
  const path = new URL(req.url ?? '/', 'http://bare').pathname;
  if (req.method === 'OPTIONS') return reply(res, 204, { 'Tus-Version': '1.0.0', 'Tus-Extension': 'creation,termination' });
  if (path === '/files' || path === '/files/') {
    return req.method === 'POST' ? create(req, res) : reply(res, 405);
  }
  const id = path.startsWith('/files/') ? path.slice('/files/'.length) : '';
  const upload = uploads.get(id);
  if (upload === undefined) {
    req.resume();
    return reply(res, 404);
  }
  if (req.method === 'PATCH') return append(req, res, id, upload);
  req.resume();
  if (req.method === 'HEAD') {
    return reply(res, 200, { 'Upload-Offset': String(upload.offset), 'Upload-Length': String(upload.length), 'Cache-Control': 'no-store' });
  }
  if (req.method === 'DELETE') {
    uploads.delete(id);
    await unlink(join(args.dataDir, id));
    return reply(res, 204);
  }
  reply(res, 405);
}

exitWhenParentGoes(args.dataDir);
const server = createServer((req, res) => {
  handle(req, res).catch((error: unknown) => {
    process.stderr.write(`bare: ${req.method} ${req.url}: ${String(error)}\n`);
    if (!res.headersSent) reply(res, 500);
    else res.destroy();
  });
});
server.listen(args.port, args.host, () => announceReady('bare', (server.address() as AddressInfo).port));
