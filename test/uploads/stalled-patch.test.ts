import assert from 'node:assert/strict';
import { type IncomingMessage, request } from 'node:http';
import path from 'node:path';
import { describe, it } from 'node:test';
import { createUpload, OCTET, startFerry, TUS } from '../http/harness.js';
import { openPatch, waitFor } from '../support/tus-requests.js';

const KiB = 1024;
const WAITERS_PER_METHOD = 25;
/** The stalled PATCH is ended this long after the first waiter asked for its lock. */
const LOCK_DRAIN_TIMEOUT_MS = 1500;

const test = await startFerry({}, { lockDrainTimeoutMs: LOCK_DRAIN_TIMEOUT_MS });

interface Answer {
  status: number;
  offset: string | undefined;
}

/** Sends a request whose answer the test collects later; a PATCH sends its one-byte body. */
function send(method: 'HEAD' | 'PATCH', uploadPath: string): Promise<Answer> {
  const { hostname, port } = new URL(test.baseUrl);
  const headers: Record<string, string> = method === 'PATCH' ? { ...TUS, ...OCTET, 'Upload-Offset': '0', 'Content-Length': '1' } : { ...TUS };
  return new Promise((resolve, reject) => {
    const outgoing = request({ hostname, port, method, path: uploadPath, headers, agent: false }, (response: IncomingMessage) => {
      response.resume();
      response.on('end', () => resolve({ status: response.statusCode!, offset: response.headers['upload-offset'] as string | undefined }));
    });
    outgoing.on('error', reject);
    outgoing.end(method === 'PATCH' ? 'x' : undefined);
  });
}

describe('a PATCH that stalls mid-body with 50 requests queued behind its lock', () => {
  it('keeps the server idle (CPU and RSS flat) until the drain timer ends it; then every waiter is answered', async (t) => {
    const uploadPath = await createUpload(test, { 'Upload-Length': String(1024 * KiB) });
    const id = path.basename(uploadPath);
    const stalled = openPatch(`${test.baseUrl}${uploadPath}`, 0, 1024 * KiB);
    await stalled.write(Buffer.alloc(64 * KiB, 1));
    await waitFor('the first bytes to be stored', () => test.ferry.store.stats().openUploads > 0 && test.ferry.locker.held() > 0);

    const answers: Promise<Answer>[] = [];
    for (let index = 0; index < WAITERS_PER_METHOD; index += 1) answers.push(send('HEAD', uploadPath), send('PATCH', uploadPath));
    await waitFor('50 requests to wait for the lock', () => test.ferry.locker.waiting(id) === 2 * WAITERS_PER_METHOD);

    const wallStart = performance.now();
    const cpuStart = process.cpuUsage();
    const rssStart = process.memoryUsage().rss;
    const released = await stalled.response;
    const wallMs = performance.now() - wallStart;
    const cpu = process.cpuUsage(cpuStart);
    const rssGrowth = process.memoryUsage().rss - rssStart;
    stalled.destroy();

    assert.ok(!(released instanceof Error), 'the stalled PATCH is answered');
    assert.deepEqual(released, { status: 204, offset: 64 * KiB }, 'it keeps what arrived');
    // The queued requests sleep: a polling locker burns a core here.
    const cpuMs = (cpu.user + cpu.system) / 1000;
    t.diagnostic(`waited ${wallMs.toFixed(0)} ms: CPU ${cpuMs.toFixed(1)} ms, RSS ${(rssGrowth / 1024).toFixed(0)} KiB`);
    assert.ok(wallMs > 200, `the drain took a while (${wallMs} ms)`);
    assert.ok(cpuMs < wallMs * 0.25, `CPU ${cpuMs.toFixed(1)} ms over ${wallMs.toFixed(0)} ms of waiting`);
    assert.ok(rssGrowth < 32 * 1024 * KiB, `RSS grew ${rssGrowth} bytes while waiting`);

    const settled = await Promise.all(answers);
    const heads = settled.filter((_answer, index) => index % 2 === 0);
    const patches = settled.filter((_answer, index) => index % 2 === 1);
    for (const head of heads) assert.deepEqual(head, { status: 200, offset: String(64 * KiB) });
    // Upload-Offset: 0 no longer matches: 409 without modifying the upload.
    for (const patch of patches) assert.equal(patch.status, 409);
    assert.equal(test.ferry.locker.held(), 0);
  });
});
