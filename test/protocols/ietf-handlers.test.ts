import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type FilesApp, type HandlerCase, ietfUpload, MAX_SIZE, runHandlerCase, tusUpload } from './files-app.js';

// IETF resumable uploads (interop versions 6 and 8) through the /files route table and error hook, over an in-memory store.
const V8 = { 'Upload-Draft-Interop-Version': '8' } as const;
const V6 = { 'Upload-Draft-Interop-Version': '6' } as const;
const PARTIAL = { 'Content-Type': 'application/partial-upload' } as const;
const UNKNOWN = `/files/${'0'.repeat(32)}`;

const upload = (headers?: Record<string, string>) => (files: FilesApp) => ietfUpload(files, headers);
const idOf = (path: string) => path.slice('/files/'.length);
const stored = (files: FilesApp, path: string) => files.store.uploads.get(idOf(path));

// biome-ignore format: one case per line
const cases: HandlerCase[] = [
  // creation
  { name: 'creation with the whole content: 201, complete', method: 'POST', url: '/files/', headers: { ...V8, 'Upload-Complete': '?1' }, body: 'hello', status: 201,
    expectHeaders: { Location: /^\/files\/[0-9a-f]{32}$/, 'Upload-Complete': '?1', 'Upload-Offset': '5' },
    then: (files) => assert.deepEqual(files.seen.map(([event]) => event), ['created', 'finished']) },
  { name: 'creation of an incomplete upload: 201 with Upload-Limit', method: 'POST', url: '/files/', headers: { ...V8, 'Upload-Complete': '?0' }, body: 'he', status: 201,
    expectHeaders: { 'Upload-Complete': '?0', 'Upload-Offset': '2', 'Upload-Limit': `max-size=${MAX_SIZE}` },
    then: (files, _path, response) => assert.equal(stored(files, response.headers.get('location')!)?.upload.protocol, 'ietf') },
  { name: 'creation without Upload-Complete', method: 'POST', url: '/files/', headers: V8, status: 400, code: 'UPLOAD_COMPLETE_INVALID', expectHeaders: { 'Upload-Complete': '?0' } },
  { name: 'an interop version not spoken', method: 'POST', url: '/files/', headers: { 'Upload-Draft-Interop-Version': '7', 'Upload-Complete': '?1' }, status: 400,
    code: 'UPLOAD_INTEROP_VERSION_UNSUPPORTED', expectHeaders: { 'Upload-Complete': '?0' } },
  { name: 'creation beyond the maximum size', method: 'POST', url: '/files/', headers: { ...V8, 'Upload-Complete': '?0', 'Upload-Length': String(MAX_SIZE + 1) }, status: 413, code: 'UPLOAD_TOO_LARGE' },

  // append
  { name: 'append: 204 with the new offset, incomplete', method: 'PATCH', url: upload(), headers: { ...V8, ...PARTIAL, 'Upload-Offset': '0', 'Upload-Complete': '?0' }, body: 'abc', status: 204,
    expectHeaders: { 'Upload-Complete': '?0', 'Upload-Offset': '3' } },
  { name: 'append that completes: 201, Location, finished', method: 'PATCH', url: upload(), headers: { ...V8, ...PARTIAL, 'Upload-Offset': '0', 'Upload-Complete': '?1' }, body: 'abc', status: 201,
    expectHeaders: { 'Upload-Complete': '?1', Location: /^\/files\// },
    then: (files, path) => {
      assert.equal(stored(files, path)?.upload.size, 3);
      assert.deepEqual(files.seen.at(-1), ['finished', idOf(path)]);
    } },
  { name: 'append (interop 6) incomplete: 201', method: 'PATCH', url: upload(), headers: { ...V6, ...PARTIAL, 'Upload-Offset': '0', 'Upload-Complete': '?0' }, body: 'abc', status: 201 },
  { name: 'append at the wrong offset: 409 with the correct Upload-Offset', method: 'PATCH', url: upload(), headers: { ...V8, ...PARTIAL, 'Upload-Offset': '7', 'Upload-Complete': '?0' }, body: 'x', status: 409,
    code: 'UPLOAD_OFFSET_MISMATCH', expectHeaders: { 'Upload-Offset': '0', 'Upload-Complete': '?0' } },
  { name: 'append without application/partial-upload', method: 'PATCH', url: upload(), headers: { ...V8, 'Content-Type': 'application/octet-stream', 'Upload-Offset': '0', 'Upload-Complete': '?0' }, body: 'x',
    status: 415, code: 'UPLOAD_CONTENT_TYPE_INVALID' },
  { name: 'append to a tus upload: 409, the other protocol', method: 'PATCH', url: (files) => tusUpload(files), headers: { ...V8, ...PARTIAL, 'Upload-Offset': '0', 'Upload-Complete': '?0' }, body: 'x',
    status: 409, code: 'UPLOAD_PROTOCOL_MISMATCH' },

  // offset retrieval
  { name: 'offset retrieval (HEAD): 204, offset, completeness, limits, no-store', method: 'HEAD', url: upload(), headers: V8, status: 204,
    expectHeaders: { 'Upload-Offset': '0', 'Upload-Complete': '?0', 'Upload-Limit': `max-size=${MAX_SIZE}`, 'Cache-Control': 'no-store' } },
  { name: 'offset retrieval (GET) too', method: 'GET', url: upload({ 'Upload-Length': '9' }), headers: V8, status: 204, expectHeaders: { 'Upload-Length': '9' } },
  { name: 'offset retrieval of an unknown upload', method: 'HEAD', url: UNKNOWN, headers: V8, status: 404, expectHeaders: { 'Upload-Complete': '?0' } },
  { name: 'interop 6: offset retrieval with Upload-Offset is 400', method: 'HEAD', url: upload(), headers: { ...V6, 'Upload-Offset': '0' }, status: 400 },

  // cancellation
  { name: 'cancellation: 204, then gone', method: 'DELETE', url: upload(), headers: V8, status: 204,
    then: (files, path) => {
      assert.equal(stored(files, path), undefined);
      assert.deepEqual(files.seen.at(-1), ['terminated', idOf(path)]);
    } },
  { name: 'cancellation of a tus upload: 409', method: 'DELETE', url: (files) => tusUpload(files), headers: V8, status: 409, code: 'UPLOAD_PROTOCOL_MISMATCH' },

  // discovery and methods
  { name: 'OPTIONS: Upload-Limit and Accept-Patch', method: 'OPTIONS', url: '/files/', headers: V8, status: 204,
    expectHeaders: { 'Upload-Limit': `max-size=${MAX_SIZE}`, 'Accept-Patch': 'application/partial-upload', 'Tus-Version': null } },
  { name: 'a method the resource does not have: 405 with Allow and Upload-Complete', method: 'PUT', url: upload(), headers: V8, status: 405,
    code: 'HTTP_METHOD_NOT_ALLOWED', expectHeaders: { Allow: 'GET, HEAD, PATCH, DELETE, OPTIONS', 'Upload-Complete': '?0' } },
];

describe('IETF handlers, one table (in-memory store)', () => {
  for (const testCase of cases) it(testCase.name, () => runHandlerCase(testCase));
});
