import assert from 'node:assert/strict';
import { Hono } from 'hono';
import { allowAll } from '../../src/http/authorize.js';
import type { AppEnv } from '../../src/http/context.js';
import { createErrorHook } from '../../src/http/error-hook.js';
import { createDownloadLinks } from '../../src/http/files/download-links.js';
import { createFilesRoute } from '../../src/http/files/files-route.js';
import { createDownloadRoute } from '../../src/http/routes/download-route.js';
import { createLinkRoute } from '../../src/http/routes/link-route.js';
import { createMetrics } from '../../src/metrics/metrics.js';
import { createIetfHandlers } from '../../src/protocols/ietf/index.js';
import { createTusHandlers } from '../../src/protocols/tus/index.js';
import { createUploadEngine } from '../../src/uploads/engine.js';
import { createUploadEvents, type UploadEventName } from '../../src/uploads/events.js';
import { createMemoryLocker } from '../../src/uploads/memory-locker.js';
import { FakeStore } from './fake-store.js';

export const MAX_SIZE = 1000;

/** The /files route table, its error hook and both protocols' handlers over a FakeStore: no socket, no disk. */
export function createFilesApp({ expirationMs = 0 }: { expirationMs?: number } = {}) {
  const store = new FakeStore({ expirationMs });
  const events = createUploadEvents();
  const seen: Array<[UploadEventName, string]> = [];
  events.on('created', (upload) => void seen.push(['created', upload.id]));
  events.on('finished', (upload) => void seen.push(['finished', upload.id]));
  events.on('terminated', (id) => void seen.push(['terminated', id]));
  const engine = createUploadEngine({ store, locker: createMemoryLocker(), events, lockDrainTimeoutMs: 0 });
  const tus = createTusHandlers(engine, { maxSize: MAX_SIZE, publicUrl: '' });
  const ietf = createIetfHandlers({ engine, maxSize: MAX_SIZE, publicUrl: '' });
  const app = new Hono<AppEnv>();
  app.onError(createErrorHook());
  const links = createDownloadLinks({ secret: '', ttlSeconds: 300, publicUrl: '' });
  const filesRoute = createFilesRoute({
    tus,
    ietf,
    download: createDownloadRoute(store),
    link: createLinkRoute({ store, links }),
    links,
    metrics: createMetrics(),
    authorize: allowAll,
  });
  for (const path of ['/files', '/files/', '/files/:id']) app.all(path, filesRoute);
  return { app, store, seen };
}

export type FilesApp = ReturnType<typeof createFilesApp>;

/** One row of a handler table: the request, then what the response must carry (null: header absent). */
export interface HandlerCase {
  name: string;
  method: string;
  /** A path, or `prepare` makes state and returns the path. */
  url: string | ((files: FilesApp) => Promise<string>);
  headers?: Record<string, string>;
  body?: string;
  status: number;
  code?: string;
  expectHeaders?: Record<string, string | RegExp | null>;
  then?: (files: FilesApp, path: string, response: Response) => Promise<void> | void;
}

export async function runHandlerCase(testCase: HandlerCase): Promise<void> {
  const files = createFilesApp();
  const path = typeof testCase.url === 'string' ? testCase.url : await testCase.url(files);
  const response = await files.app.request(path, { method: testCase.method, headers: testCase.headers, body: testCase.body });
  const text = await response.text();
  assert.equal(response.status, testCase.status, `${testCase.name}: status (body: ${text})`);
  if (testCase.status >= 400) {
    assert.equal(response.headers.get('content-type'), 'application/json');
    if (testCase.code !== undefined) assert.equal((JSON.parse(text) as { error: { code: string } }).error.code, testCase.code, `${testCase.name}: code`);
  }
  for (const [name, expected] of Object.entries(testCase.expectHeaders ?? {})) {
    const actual = response.headers.get(name);
    if (expected === null) assert.equal(actual, null, `${testCase.name}: ${name} absent`);
    else if (expected instanceof RegExp) assert.match(actual ?? '', expected, `${testCase.name}: ${name}`);
    else assert.equal(actual, expected, `${testCase.name}: ${name}`);
  }
  await testCase.then?.(files, path, response);
}

/** Creates an upload through the tus handler; resolves with its path. */
export async function tusUpload(files: FilesApp, headers: Record<string, string> = { 'Upload-Length': '10' }): Promise<string> {
  const response = await files.app.request('/files/', { method: 'POST', headers: { 'Tus-Resumable': '1.0.0', ...headers } });
  assert.equal(response.status, 201, await response.text());
  return response.headers.get('location')!;
}

/** Creates an IETF upload (interop version 8, incomplete); resolves with its path. */
export async function ietfUpload(files: FilesApp, headers: Record<string, string> = {}): Promise<string> {
  const response = await files.app.request('/files/', {
    method: 'POST',
    headers: { 'Upload-Draft-Interop-Version': '8', 'Upload-Complete': '?0', ...headers },
  });
  assert.equal(response.status, 201, await response.text());
  return response.headers.get('location')!;
}
