import assert from 'node:assert/strict';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { after } from 'node:test';
import supertest from 'supertest';
import type { Config } from '../../src/config/settings.js';
import { createFerry, type Ferry, type FerryOptions } from '../../src/ferry.js';
import { createLogger } from '../../src/logging/logger.js';
import { createPatchHandler } from '../../src/protocols/tus/patch-handler.js';
import { createUploadEngine, type UploadEngine } from '../../src/uploads/engine.js';
import { createUploadEvents } from '../../src/uploads/events.js';
import { createMemoryLocker, type MemoryLocker } from '../../src/uploads/memory-locker.js';
import { makeTestConfig } from '../support/config.js';

/** A ferry listening on 127.0.0.1:0 with its log lines collected; closed when the test file ends. */
export interface TestFerry {
  ferry: Ferry;
  config: Config;
  baseUrl: string;
  logs: Record<string, unknown>[];
  http: () => supertest.Agent;
}

export const TUS = { 'Tus-Resumable': '1.0.0' } as const;
export const OCTET = { 'Content-Type': 'application/offset+octet-stream' } as const;

export async function startFerry(overrides: Partial<Config> = {}, options: FerryOptions = {}): Promise<TestFerry> {
  const config = await makeTestConfig({ host: '127.0.0.1', ...overrides });
  const logs: Record<string, unknown>[] = [];
  const logger = createLogger('info', { write: (line: string) => void logs.push(JSON.parse(line) as Record<string, unknown>) });
  const ferry = createFerry(config, { logger, ...options });
  const baseUrl = await ferry.listen();
  after(() => ferry.close());
  return { ferry, config, baseUrl, logs, http: () => supertest.agent(ferry.server) };
}

export function metadataHeader(entries: Record<string, string>): string {
  return Object.entries(entries)
    .map(([key, value]) => `${key} ${Buffer.from(value, 'utf8').toString('base64')}`)
    .join(',');
}

/** Creates an upload through the server; resolves with its path `/files/<id>`. */
export async function createUpload(test: TestFerry, headers: Record<string, string> = { 'Upload-Length': '10' }): Promise<string> {
  const response = await test
    .http()
    .post('/files/')
    .set({ ...TUS, ...headers });
  assert.equal(response.status, 201, response.text);
  return response.headers.location as string;
}

export async function patch(test: TestFerry, path: string, offset: number, body: Buffer): Promise<supertest.Response> {
  return test
    .http()
    .patch(path)
    .set({ ...TUS, ...OCTET, 'Upload-Offset': String(offset) })
    .send(body);
}

/** A finished upload with `content` and `metadata`; resolves with its path. */
export async function createFinishedUpload(test: TestFerry, content: Buffer, metadata: Record<string, string> = {}): Promise<string> {
  const headers: Record<string, string> = { 'Upload-Length': String(content.length) };
  if (Object.keys(metadata).length > 0) headers['Upload-Metadata'] = metadataHeader(metadata);
  const path = await createUpload(test, headers);
  if (content.length > 0) assert.equal((await patch(test, path, 0, content)).status, 204);
  return path;
}

export async function headOffset(test: TestFerry, path: string): Promise<number> {
  const response = await test.http().head(path).set(TUS);
  assert.equal(response.status, 200);
  return Number(response.headers['upload-offset']);
}

/** One row of a table of HTTP cases: the request, then what the response must carry. */
export interface HttpCase {
  name: string;
  method: 'GET' | 'HEAD' | 'POST' | 'PATCH' | 'DELETE' | 'OPTIONS' | 'PUT';
  /** A path, or a function that prepares state (an upload) and returns the path. */
  url: string | (() => Promise<string>);
  headers?: Record<string, string>;
  body?: Buffer | string;
  status: number;
  /** The error code of a JSON error body (checked for every status >= 400, HEAD excepted as it has no body). */
  code?: string;
  /** Header values: a string to equal, a RegExp to match, null for "absent". */
  expectHeaders?: Record<string, string | RegExp | null>;
  /** Further checks once the response is in. */
  then?: (response: supertest.Response, path: string) => Promise<void> | void;
}

/** Runs one case through supertest and checks status, JSON error shape and headers. */
export async function runCase(test: TestFerry, testCase: HttpCase): Promise<void> {
  const path = typeof testCase.url === 'string' ? testCase.url : await testCase.url();
  const agent = test.http();
  const method = testCase.method.toLowerCase() as 'get' | 'head' | 'post' | 'patch' | 'delete' | 'options' | 'put';
  let pending = agent[method](path).set(testCase.headers ?? {});
  if (testCase.body !== undefined) pending = pending.send(testCase.body);
  const response = await pending;
  assert.equal(response.status, testCase.status, `${testCase.name}: status (body: ${response.text})`);
  if (testCase.status >= 400) {
    assert.equal(response.headers['content-type'], 'application/json', `${testCase.name}: JSON error`);
    if (testCase.method !== 'HEAD') {
      const body = JSON.parse(response.text) as { error: { code: string; message: string } };
      assert.equal(typeof body.error.message, 'string', `${testCase.name}: error message`);
      if (testCase.code !== undefined) assert.equal(body.error.code, testCase.code, `${testCase.name}: error code`);
    }
  }
  for (const [name, expected] of Object.entries(testCase.expectHeaders ?? {})) {
    const actual = response.headers[name.toLowerCase()] as string | undefined;
    if (expected === null) assert.equal(actual, undefined, `${testCase.name}: ${name} absent`);
    else if (expected instanceof RegExp) assert.match(actual ?? '', expected, `${testCase.name}: ${name}`);
    else assert.equal(actual, expected, `${testCase.name}: ${name}`);
  }
  await testCase.then?.(response, path);
}

export interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** A request through node:http with the path sent exactly as given (no URL normalisation, unlike fetch and superagent). */
export function rawRequest(baseUrl: string, method: string, path: string, headers: Record<string, string> = {}, body?: Buffer): Promise<RawResponse> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const request = httpRequest({ hostname, port, method, path, headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode!, headers: response.headers, body: Buffer.concat(chunks) }));
      response.on('error', reject);
    });
    request.on('error', reject);
    request.end(body);
  });
}

/**
 * An upload engine over the test server's store, with a locker and events of its own and no
 * lock drain time: a test drives the body itself and asks for the lock to make it stop.
 */
export function engineWithOwnLocker(test: TestFerry): { engine: UploadEngine; locker: MemoryLocker } {
  const locker = createMemoryLocker();
  return { engine: createUploadEngine({ store: test.ferry.store, locker, events: createUploadEvents(), lockDrainTimeoutMs: 0 }), locker };
}

/** ferry's PATCH handler on `engineWithOwnLocker`. */
export function patchHandlerWithOwnLocker(test: TestFerry) {
  const { engine, locker } = engineWithOwnLocker(test);
  return { handlePatch: createPatchHandler(engine, { maxSize: 0 }), locker };
}

/** Takes the lock on `id` and gives it back: a request that wants the lock. */
export async function askForLock(locker: MemoryLocker, id: string): Promise<void> {
  const lock = await locker.acquire(id);
  lock.release();
}
