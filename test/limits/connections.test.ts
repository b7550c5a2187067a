import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { request } from 'node:http';
import { connect, type Socket } from 'node:net';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { after, test } from 'node:test';
import { makeTempDir } from '../support/temp-dir.js';

const MAIN = path.resolve(import.meta.dirname, '../../src/main.ts');
const FILE_LIMIT = 256;

/** ferry as a child process under `ulimit -n 256`; resolves with its port once it listens. */
async function spawnLimitedFerry(env: Record<string, string>): Promise<{ child: ChildProcess; port: number }> {
  const dataDir = await makeTempDir();
  const command = `ulimit -n ${FILE_LIMIT}; exec "${process.execPath}" --import tsx "${MAIN}" --port 0 --host 127.0.0.1 --data-dir "${dataDir}"`;
  const child = spawn('bash', ['-c', command], { env: { ...process.env, FERRY_LOG_LEVEL: 'info', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  after(() => child.kill('SIGKILL'));
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const url = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const match = /"msg":"listening"/.test(line) ? /"url":"([^"]+)"/.exec(line) : null;
      if (match) resolve(match[1]);
    });
    child.once('exit', (code) => reject(new Error(`ferry exited (${code}) before listening:\n${stderr}`)));
  });
  return { child, port: Number(new URL(url).port) };
}

/** `count` idle sockets from `localAddress`: connected and sending nothing. Resolves once each has connected or failed. */
async function flood(port: number, localAddress: string, count: number): Promise<Socket[]> {
  const sockets = Array.from({ length: count }, () => connect({ host: '127.0.0.1', port, localAddress }));
  await Promise.all(
    sockets.map(
      (socket) =>
        new Promise<void>((resolve) => {
          socket.once('connect', () => resolve());
          socket.once('error', () => resolve());
          socket.once('close', () => resolve());
        }),
    ),
  );
  return sockets;
}

async function waitFor(condition: () => boolean, what: string, deadlineMs = 10_000): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  while (!condition()) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** One request on a fresh connection from 127.0.0.1; resolves with its status (0: the connection failed). */
function send(port: number, method: string, urlPath: string, headers: Record<string, string>): Promise<{ status: number; location?: string }> {
  return new Promise((resolve) => {
    const pending = request({ host: '127.0.0.1', port, method, path: urlPath, headers: { ...headers, Connection: 'close' }, agent: false }, (response) => {
      response.resume();
      response.on('end', () => resolve({ status: response.statusCode ?? 0, location: response.headers.location }));
    });
    pending.on('error', () => resolve({ status: 0 }));
    pending.setTimeout(5000, () => pending.destroy());
    pending.end();
  });
}

async function uploadRoundTrip(port: number): Promise<void> {
  const created = await send(port, 'POST', '/files/', { 'Tus-Resumable': '1.0.0', 'Upload-Length': '5' });
  assert.equal(created.status, 201);
  assert.equal((await send(port, 'HEAD', new URL(created.location ?? '', 'http://x').pathname, { 'Tus-Resumable': '1.0.0' })).status, 200);
}

test('an idle-socket flood under ulimit -n 256: capped per IP and in total, others keep being served, the server recovers', async () => {
  const { child, port } = await spawnLimitedFerry({ FERRY_MAX_CONNECTIONS: '150', FERRY_MAX_CONNECTIONS_PER_IP: '40', FERRY_MIN_FREE_BYTES: '0' });
  const open = (sockets: Socket[]) => sockets.filter((socket) => !socket.destroyed && socket.readyState === 'open').length;

  // One address floods with more idle sockets than the process has file descriptors.
  const first = await flood(port, '127.0.0.2', 300);
  await waitFor(() => open(first) === 40, `the flood to be cut to 40 sockets (open: ${open(first)})`);
  await uploadRoundTrip(port);

  // Several addresses together go beyond the total cap: new sockets are closed, the server stays up.
  const others = await Promise.all(['127.0.0.3', '127.0.0.4', '127.0.0.5', '127.0.0.6'].map((address) => flood(port, address, 60)));
  await waitFor(() => open(first) + others.reduce((sum, sockets) => sum + open(sockets), 0) <= 150, 'the total cap');
  assert.equal(child.exitCode, null, 'ferry is still running');

  // The flood goes: everyone is served again, the flooding address included.
  for (const socket of [first, ...others].flat()) socket.destroy();
  await waitFor(() => open(first) === 0, 'the flood to close');
  let served = await send(port, 'OPTIONS', '/files/', { 'Tus-Resumable': '1.0.0' });
  const deadline = Date.now() + 10_000;
  while (served.status !== 204 && Date.now() < deadline) served = await send(port, 'OPTIONS', '/files/', { 'Tus-Resumable': '1.0.0' });
  assert.equal(served.status, 204);
  await uploadRoundTrip(port);
  const again = await flood(port, '127.0.0.2', 5);
  await waitFor(() => open(again) === 5, 'the flooding address to connect again');
  for (const socket of again) socket.destroy();
});
