import assert from 'node:assert/strict';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import http, { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { FileStore } from '@tus/file-store';
import { Server } from '@tus/server';
import * as tus from 'tus-js-client';
import type { UploadLocker } from '../../src/uploads/locker.js';
import { toTusLocker } from '../../src/uploads/tus-locker.js';
import { makeTempDir } from '../support/temp-dir.js';
import { runTusUpload } from '../support/tus-js-client-run.js';
import { deleteKeys, type LockerInstance, startLockerInstance } from './support/redis-instances.js';
import { type RoundRobinProxy, startRoundRobinProxy } from './support/round-robin-proxy.js';

const KiB = 1024;
const MiB = 1024 * KiB;

const sha256 = (data: Buffer): string => createHash('sha256').update(data).digest('hex');

/** The upload id: the last segment of the URL the stock server generated. */
const idOf = (uploadUrl: string): string => decodeURIComponent(new URL(uploadUrl).pathname.split('/').pop()!);

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
}

/** One request on a connection of its own (no keep-alive), as each client request through the proxy is. */
function request(url: string, method: string, headers: http.OutgoingHttpHeaders, body?: Buffer): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const outgoing = http.request(url, { method, headers: { 'Tus-Resumable': '1.0.0', ...headers }, agent: false }, (response) => {
      response.resume();
      response.once('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers }));
    });
    outgoing.once('error', reject);
    outgoing.end(body);
  });
}

/**
 * Two stock @tus/server instances, each with its own Redis locker (its own connections: two
 * processes' worth), over one FileStore directory, behind the round-robin proxy.
 */
describe('two stock @tus/server instances sharing a store, locked by the Redis locker', () => {
  const keyPrefix = `test:${randomUUID()}:`;
  const lockers: LockerInstance[] = [];
  const servers: HttpServer[] = [];
  const ports: number[] = [];
  let proxy: RoundRobinProxy;
  let directory: string;
  let workDir: string;
  /** How often a holder was asked to let go: a request met another at the lock. */
  let releaseRequests = 0;

  before(async () => {
    workDir = await makeTempDir();
    directory = path.join(workDir, 'files');
    for (const name of ['a', 'b']) {
      const instance = await startLockerInstance(name, { keyPrefix, leaseMs: 5000, waitMs: 10_000 });
      lockers.push(instance);
      const counted: UploadLocker = {
        acquire: (id, options = {}) =>
          instance.locker.acquire(id, {
            ...options,
            onReleaseRequested() {
              releaseRequests += 1;
              options.onReleaseRequested?.();
            },
          }),
      };
      const tusServer = new Server({ path: '/files', datastore: new FileStore({ directory }), locker: toTusLocker(counted) });
      const server = createServer((incoming, outgoing) => void tusServer.handle(incoming, outgoing));
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      servers.push(server);
      ports.push((server.address() as AddressInfo).port);
    }
    proxy = await startRoundRobinProxy(ports);
  });

  after(async () => {
    await proxy?.close();
    for (const server of servers) {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
    if (lockers[0] !== undefined) await deleteKeys(lockers[0].redis, keyPrefix);
    await Promise.all(lockers.map((instance) => instance.stop()));
  });

  it('tus-js-client uploads through the proxy, each request on a new connection to the next instance; the bytes are equal', async () => {
    const source = randomBytes(3 * MiB + 4321);
    const file = path.join(workDir, 'source.bin');
    await writeFile(file, source);
    const before = [...proxy.connections];
    const { url } = await runTusUpload({
      endpoint: `${proxy.url}/files/`,
      file,
      fileSize: source.length,
      chunkSize: 256 * KiB,
      storage: path.join(workDir, 'urls.json'),
      upload: { httpStack: new tus.DefaultHttpStack({ agent: new http.Agent({ keepAlive: false }) }) },
    });
    const stored = await readFile(path.join(directory, idOf(url)));
    assert.equal(sha256(stored), sha256(source));
    const served = proxy.connections.map((count, index) => count - before[index]);
    // POST and 13 PATCHes, alternating between the two instances.
    assert.ok(served[0] >= 7 && served[1] >= 7, `connections per instance: ${served.join(', ')}`);
    assert.equal(lockers[0].locker.held() + lockers[1].locker.held(), 0);
  });

  it('two PATCHes at the same offset through the two instances at once: exactly one applies, the bytes never interleave', async () => {
    const size = 512 * KiB;
    releaseRequests = 0;
    for (let round = 0; round < 10; round += 1) {
      const created = await request(`${proxy.url}/files`, 'POST', { 'Upload-Length': String(size) });
      assert.equal(created.status, 201);
      const uploadPath = new URL(String(created.headers.location), proxy.url).pathname;
      const bodies = [Buffer.alloc(size, 'a'), Buffer.alloc(size, 'b')];
      const answers = await Promise.all(
        ports.map((port, index) =>
          request(
            `http://127.0.0.1:${port}${uploadPath}`,
            'PATCH',
            { 'Upload-Offset': '0', 'Content-Type': 'application/offset+octet-stream', 'Content-Length': String(size) },
            bodies[index],
          ),
        ),
      );
      const statuses = answers.map(({ status }) => status);
      const winners = statuses.flatMap((status, index) => (status === 204 ? [index] : []));
      assert.equal(winners.length, 1, `round ${round}: statuses ${statuses.join(', ')}`);
      const loser = statuses[1 - winners[0]];
      assert.ok(loser === 409 || loser === 423, `round ${round}: the other answered ${loser}`);
      const stored = await readFile(path.join(directory, idOf(`${proxy.url}${uploadPath}`)));
      assert.equal(stored.length, size);
      assert.ok(stored.equals(bodies[winners[0]]), `round ${round}: the file holds only the winner's bytes`);
    }
    assert.ok(releaseRequests > 0, 'in some rounds the PATCHes met at the lock (the holder was asked to let go)');
    assert.equal(lockers[0].locker.held() + lockers[1].locker.held(), 0);
  });
});
