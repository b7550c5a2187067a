import { stat } from 'node:fs/promises';
import { request } from 'node:http';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { expectedBytes } from '../payload.js';
import type { ServerProcess } from '../server-process.js';
import { TUS_PATH } from '../server-specs.js';
import { uploadId } from '../tus-client.js';
import type { Topology } from './topology.js';

const MiB = 1024 * 1024;
/** The stalled PATCH declares this much and sends SENT_BYTES of it, then nothing. */
const DECLARED_BYTES = 8 * MiB;
const SENT_BYTES = MiB;
const STORED_TIMEOUT_MS = 10_000;
const HEAD_TIMEOUT_MS = 60_000;

export interface HandoverMeasurement {
  /** From the HEAD's start to B's 200. */
  milliseconds: number;
  /** The Upload-Offset B reported (the bytes A saved before letting go). */
  offset: number;
  /** Which instances: "#1 → #2", or "#1 → #1" with one instance. */
  path: string;
}

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
}

function send(instance: ServerProcess, method: string, path: string, headers: Record<string, string>): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(new URL(path, instance.baseUrl), { method, headers, agent: false, timeout: HEAD_TIMEOUT_MS }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`${method} ${path}: no answer within ${HEAD_TIMEOUT_MS / 1000} s`)));
    req.on('error', reject);
    req.end();
  });
}

/** Headers and the first SENT_BYTES of a PATCH body on a raw socket to `instance`; the rest never comes. */
function stallPatch(instance: ServerProcess, path: string): Socket {
  const { hostname, port } = new URL(instance.baseUrl);
  const socket = connect(Number(port), hostname);
  socket.on('error', () => undefined);
  socket.write(
    [
      `PATCH ${path} HTTP/1.1`,
      `Host: ${hostname}:${port}`,
      'Tus-Resumable: 1.0.0',
      'Upload-Offset: 0',
      'Content-Type: application/offset+octet-stream',
      `Content-Length: ${DECLARED_BYTES}`,
      '',
      '',
    ].join('\r\n'),
  );
  socket.write(expectedBytes(0, SENT_BYTES));
  return socket;
}

/** Polls the upload's data file until the stalled PATCH's bytes are handed to the OS. */
async function waitUntilStored(file: string): Promise<void> {
  const deadline = Date.now() + STORED_TIMEOUT_MS;
  while (Date.now() < deadline) {
    const size = await stat(file).then(
      (stats) => stats.size,
      () => 0,
    );
    if (size >= SENT_BYTES) return;
    await sleep(10);
  }
  throw new Error(`the stalled PATCH's ${SENT_BYTES} bytes were not stored within ${STORED_TIMEOUT_MS / 1000} s`);
}

/**
 * The test 4 as a number: a PATCH stalls on instance A (headers and 1 MiB of body,
 * then silence); a HEAD through instance B waits for A to let go of the upload's lock.
 * With one instance, A and B are the same process.
 */
export async function measureHandover(topology: Topology): Promise<HandoverMeasurement> {
  const [a, b = a] = [topology.instances[0], topology.instances[1]];
  const tus = { 'Tus-Resumable': '1.0.0' };
  const created = await send(a, 'POST', TUS_PATH, { ...tus, 'Upload-Length': String(DECLARED_BYTES), 'Content-Length': '0' });
  const location = created.headers.location;
  if (created.status !== 201 || typeof location !== 'string') throw new Error(`handover: POST answered ${created.status}`);
  const path = new URL(location, a.baseUrl).pathname;
  const stalled = stallPatch(a, path);
  try {
    await waitUntilStored(join(topology.dataDir, uploadId(new URL(path, a.baseUrl))));
    const started = performance.now();
    const head = await send(b, 'HEAD', path, tus);
    const milliseconds = performance.now() - started;
    if (head.status !== 200) throw new Error(`handover: HEAD through ${b.spec.label} answered ${head.status}`);
    return { milliseconds, offset: Number(head.headers['upload-offset']), path: b === a ? '#1 → #1' : '#1 → #2' };
  } finally {
    stalled.destroy();
    await send(b, 'DELETE', path, tus).catch(() => undefined);
  }
}
