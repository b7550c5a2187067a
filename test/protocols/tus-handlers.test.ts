import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createFilesApp, type FilesApp, type HandlerCase, MAX_SIZE, runHandlerCase, tusUpload } from './files-app.js';

// tus 1.0.0 through the /files route table and error hook, over an in-memory store.
const TUS = { 'Tus-Resumable': '1.0.0' } as const;
const OCTET = { 'Content-Type': 'application/offset+octet-stream' } as const;
const UNKNOWN = `/files/${'0'.repeat(32)}`;
const EXTENSIONS = 'creation,creation-with-upload,creation-defer-length,termination,concatenation,concatenation-unfinished,checksum,checksum-trailer';

const upload = (headers?: Record<string, string>) => (files: FilesApp) => tusUpload(files, headers);
const idOf = (path: string) => path.slice('/files/'.length);
const stored = (files: FilesApp, path: string) => files.store.uploads.get(idOf(path));

// biome-ignore format: one case per line
const cases: HandlerCase[] = [
  // POST (creation)
  { name: 'POST creates: 201, Location, Tus-Resumable', method: 'POST', url: '/files/', headers: { ...TUS, 'Upload-Length': '5' }, status: 201,
    expectHeaders: { Location: /^\/files\/[0-9a-f]{32}$/, 'Tus-Resumable': '1.0.0', 'Upload-Offset': null },
    then: (files, _path, response) => assert.deepEqual(files.seen, [['created', idOf(response.headers.get('location')!)]]) },
  { name: 'POST with a body (creation-with-upload) reports the offset', method: 'POST', url: '/files/', headers: { ...TUS, ...OCTET, 'Upload-Length': '5' }, body: 'abc', status: 201,
    expectHeaders: { 'Upload-Offset': '3' } },
  { name: 'POST with a whole body finishes the upload', method: 'POST', url: '/files/', headers: { ...TUS, ...OCTET, 'Upload-Length': '3' }, body: 'abc', status: 201,
    then: (files, _path, response) => assert.deepEqual(files.seen.map(([event]) => event), ['created', 'finished'], String(response.status)) },
  { name: 'POST without Tus-Resumable: 412 with Tus-Version', method: 'POST', url: '/files/', headers: { 'Upload-Length': '5' }, status: 412, code: 'TUS_VERSION_UNSUPPORTED',
    expectHeaders: { 'Tus-Version': '1.0.0', 'Tus-Resumable': '1.0.0' } },
  { name: 'POST without a length', method: 'POST', url: '/files/', headers: TUS, status: 400, code: 'UPLOAD_LENGTH_INVALID' },
  { name: 'POST beyond Tus-Max-Size', method: 'POST', url: '/files/', headers: { ...TUS, 'Upload-Length': String(MAX_SIZE + 1) }, status: 413, code: 'UPLOAD_TOO_LARGE' },
  { name: 'POST with bad metadata', method: 'POST', url: '/files/', headers: { ...TUS, 'Upload-Length': '1', 'Upload-Metadata': 'name not-base64!' }, status: 400, code: 'UPLOAD_METADATA_INVALID' },
  { name: 'PUT on an upload URL is a 405 naming the allowed methods', method: 'PUT', url: UNKNOWN, headers: TUS, status: 405, code: 'HTTP_METHOD_NOT_ALLOWED',
    expectHeaders: { Allow: 'GET, HEAD, PATCH, DELETE, OPTIONS', 'Tus-Resumable': null } },
  { name: 'GET on the collection is a 405', method: 'GET', url: '/files/', status: 405, expectHeaders: { Allow: 'POST, OPTIONS' } },

  // HEAD
  { name: 'HEAD reports the offset and length, never cached', method: 'HEAD', url: upload({ 'Upload-Length': '10' }), headers: TUS, status: 200,
    expectHeaders: { 'Upload-Offset': '0', 'Upload-Length': '10', 'Cache-Control': 'no-store', 'Tus-Resumable': '1.0.0' } },
  { name: 'HEAD of a deferred upload', method: 'HEAD', url: upload({ 'Upload-Defer-Length': '1' }), headers: TUS, status: 200,
    expectHeaders: { 'Upload-Defer-Length': '1', 'Upload-Length': null } },
  { name: 'HEAD returns Upload-Metadata as sent', method: 'HEAD', url: upload({ 'Upload-Length': '1', 'Upload-Metadata': 'name YQ==,flag' }), headers: TUS, status: 200,
    expectHeaders: { 'Upload-Metadata': 'name YQ==,flag' } },
  { name: 'HEAD of an unknown upload', method: 'HEAD', url: UNKNOWN, headers: TUS, status: 404, expectHeaders: { 'Tus-Resumable': '1.0.0' } },
  { name: 'HEAD without Tus-Resumable', method: 'HEAD', url: upload(), status: 412, expectHeaders: { 'Tus-Version': '1.0.0' } },

  // PATCH
  { name: 'PATCH appends: 204 with the new offset', method: 'PATCH', url: upload(), headers: { ...TUS, ...OCTET, 'Upload-Offset': '0' }, body: 'hello', status: 204,
    expectHeaders: { 'Upload-Offset': '5', 'Tus-Resumable': '1.0.0' },
    then: (files, path) => assert.equal(stored(files, path)?.bytes.toString(), 'hello') },
  { name: 'PATCH at the wrong offset: 409, nothing stored', method: 'PATCH', url: upload(), headers: { ...TUS, ...OCTET, 'Upload-Offset': '3' }, body: 'x', status: 409, code: 'UPLOAD_OFFSET_MISMATCH',
    then: (files, path) => assert.equal(stored(files, path)?.upload.offset, 0) },
  { name: 'PATCH without Upload-Offset', method: 'PATCH', url: upload(), headers: { ...TUS, ...OCTET }, body: 'x', status: 400, code: 'UPLOAD_OFFSET_INVALID' },
  { name: 'PATCH with another Content-Type', method: 'PATCH', url: upload(), headers: { ...TUS, 'Content-Type': 'text/plain', 'Upload-Offset': '0' }, body: 'x', status: 415 },
  { name: 'PATCH beyond the length: 413, stored up to it', method: 'PATCH', url: upload({ 'Upload-Length': '3' }), headers: { ...TUS, ...OCTET, 'Upload-Offset': '0' }, body: 'abcdef', status: 413,
    code: 'UPLOAD_LENGTH_EXCEEDED' },
  { name: 'PATCH that finishes the upload announces it once', method: 'PATCH', url: upload({ 'Upload-Length': '2' }), headers: { ...TUS, ...OCTET, 'Upload-Offset': '0' }, body: 'ab', status: 204,
    then: (files, path) => assert.deepEqual(files.seen.filter(([event]) => event === 'finished'), [['finished', idOf(path)]]) },
  { name: 'PATCH with a wrong checksum: 460, discarded', method: 'PATCH', url: upload(), headers: { ...TUS, ...OCTET, 'Upload-Offset': '0', 'Upload-Checksum': 'sha1 Kq5sNclPz7QV2+lfQIuc6R7oRu0=' }, body: 'abc', status: 460,
    code: 'UPLOAD_CHECKSUM_MISMATCH', then: (files, path) => assert.equal(stored(files, path)?.upload.offset, 0) },
  { name: 'PATCH of an unknown upload', method: 'PATCH', url: UNKNOWN, headers: { ...TUS, ...OCTET, 'Upload-Offset': '0' }, body: 'x', status: 404, code: 'UPLOAD_NOT_FOUND' },
  { name: 'PATCH through X-HTTP-Method-Override', method: 'POST', url: upload(), headers: { ...TUS, ...OCTET, 'Upload-Offset': '0', 'X-HTTP-Method-Override': 'PATCH' }, body: 'hey', status: 204,
    expectHeaders: { 'Upload-Offset': '3' } },

  // DELETE (termination)
  { name: 'DELETE terminates: 204, then 404', method: 'DELETE', url: upload(), headers: TUS, status: 204, expectHeaders: { 'Tus-Resumable': '1.0.0' },
    then: (files, path) => {
      assert.equal(stored(files, path), undefined);
      assert.deepEqual(files.seen.at(-1), ['terminated', idOf(path)]);
    } },
  { name: 'DELETE of an unknown upload', method: 'DELETE', url: UNKNOWN, headers: TUS, status: 404, code: 'UPLOAD_NOT_FOUND' },
  { name: 'DELETE without Tus-Resumable', method: 'DELETE', url: upload(), status: 412, code: 'TUS_VERSION_UNSUPPORTED', expectHeaders: { 'Tus-Version': '1.0.0' } },
  { name: 'DELETE with an invalid tus header', method: 'DELETE', url: upload(), headers: { ...TUS, 'Upload-Offset': '-1' }, status: 400, code: 'UPLOAD_OFFSET_INVALID' },
  { name: 'DELETE of a partial upload an unassembled final needs: 409', method: 'DELETE', status: 409, code: 'UPLOAD_PARTIAL_IN_USE', headers: TUS,
    url: async (files) => {
      const part = await tusUpload(files, { 'Upload-Length': '3', 'Upload-Concat': 'partial' });
      await tusUpload(files, { 'Upload-Concat': `final;${part}` });
      return part;
    } },
  { name: 'DELETE through X-HTTP-Method-Override', method: 'POST', url: upload(), headers: { ...TUS, 'X-HTTP-Method-Override': 'DELETE' }, status: 204 },

  // OPTIONS (discovery)
  { name: 'OPTIONS discovers', method: 'OPTIONS', url: '/files/', status: 204,
    expectHeaders: { 'Tus-Version': '1.0.0', 'Tus-Resumable': '1.0.0', 'Tus-Max-Size': String(MAX_SIZE), 'Tus-Extension': EXTENSIONS, 'Tus-Checksum-Algorithm': 'sha1,md5,sha256,crc32' } },
  { name: 'OPTIONS on an upload URL discovers too', method: 'OPTIONS', url: UNKNOWN, status: 204, expectHeaders: { 'Tus-Version': '1.0.0' } },
];

describe('tus handlers, one table (in-memory store)', () => {
  for (const testCase of cases) it(testCase.name, () => runHandlerCase(testCase));

  it('a final upload is assembled once its partial uploads finish, and announced finished', async () => {
    const files = createFilesApp();
    const part = await tusUpload(files, { 'Upload-Length': '3', 'Upload-Concat': 'partial' });
    const final = await tusUpload(files, { 'Upload-Concat': `final;${part}` });
    const patched = await files.app.request(part, { method: 'PATCH', headers: { ...TUS, ...OCTET, 'Upload-Offset': '0' }, body: 'abc' });
    assert.equal(patched.status, 204);
    assert.equal(stored(files, final)?.bytes.toString(), 'abc');
    assert.deepEqual(
      files.seen.filter(([event]) => event === 'finished').map(([, id]) => id),
      [idOf(part), idOf(final)],
    );
  });
});
