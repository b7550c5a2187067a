import assert from 'node:assert/strict';
import type { Principal } from '../../src/auth/principal.js';
import { ANONYMOUS } from '../../src/auth/principal.js';
import type { Config } from '../../src/config/settings.js';
import type { FerryOptions } from '../../src/ferry.js';
import { createUploadId } from '../../src/uploads/upload-id.js';
import { type RawResponse, rawRequest, startFerry, type TestFerry } from '../http/harness.js';

/** Who a test request speaks for: an owner's name, 'admin', or anonymous. */
export type Who = string | { admin: true } | 'anonymous';
export const ADMIN: Who = { admin: true };

const OWNER_HEADER = 'x-test-owner';
const ADMIN_HEADER = 'x-test-admin';

/**
 * A test-only authentication (passed through FerryOptions.authenticate, never config):
 * `X-Test-Owner: <name>` is that owner, `X-Test-Admin: 1` an admin, nothing is anonymous.
 */
export function testAuthenticate(headers: Headers): Principal {
  if (headers.get(ADMIN_HEADER) === '1') return { owner: 'root', admin: true };
  const owner = headers.get(OWNER_HEADER);
  return owner === null ? ANONYMOUS : { owner, admin: false };
}

/** The headers that make a request speak for `who`. */
export function as(who: Who): Record<string, string> {
  if (who === 'anonymous') return {};
  if (typeof who === 'object') return { 'X-Test-Admin': '1' };
  return { 'X-Test-Owner': who };
}

export function startOwnedFerry(overrides: Partial<Config> = {}, options: FerryOptions = {}): Promise<TestFerry> {
  return startFerry(overrides, { authenticate: testAuthenticate, ...options });
}

export interface Call {
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: Buffer;
}

export function send(test: TestFerry, who: Who, { method, path, headers = {}, body }: Call): Promise<RawResponse> {
  return rawRequest(test.baseUrl, method, path, { ...headers, ...as(who), ...(body === undefined ? {} : { 'Content-Length': String(body.length) }) }, body);
}

/** An id no upload has. */
export function missingUploadId(): string {
  return createUploadId();
}

/** Headers that differ from one response to the next whatever the request. */
const VARYING = new Set(['date', 'x-request-id', 'keep-alive', 'connection']);

/**
 * `actual` is indistinguishable from `missing` (the answer for something that really does
 * not exist): same status, same body byte for byte (after `substitute`), same headers.
 */
export function assertSameAsMissing(actual: RawResponse, missing: RawResponse, label: string, substitute: (body: string) => string = (body) => body): void {
  assert.equal(actual.status, 404, `${label}: status (body: ${actual.body.toString()})`);
  assert.equal(actual.status, missing.status, `${label}: same status as missing`);
  assert.equal(substitute(actual.body.toString('utf8')), missing.body.toString('utf8'), `${label}: same body as missing`);
  assert.deepEqual(comparable(actual.headers), comparable(missing.headers), `${label}: same headers as missing`);
}

function comparable(headers: RawResponse['headers']): Record<string, unknown> {
  return Object.fromEntries(Object.entries(headers).filter(([name]) => !VARYING.has(name)));
}

/** The JSON body of a response. */
export function jsonOf<T>(response: Pick<RawResponse, 'body'>): T {
  return JSON.parse(response.body.toString('utf8')) as T;
}
