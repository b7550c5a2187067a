import assert from 'node:assert/strict';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import { createFinishedUpload, createUpload, type HttpCase, headOffset, metadataHeader, OCTET, runCase, startFerry, type TestFerry, TUS } from './harness.js';

const MAX_SIZE = 1024;
const UNKNOWN = `/files/${'0'.repeat(32)}`;

// One server for the file (top level, so its temp dir and close are the file's `after` hooks).
const test: TestFerry = await startFerry({ maxSize: MAX_SIZE });

const upload =
  (headers: Record<string, string> = { 'Upload-Length': '10' }) =>
  () =>
    createUpload(test, headers);
const dataFileSize = async (uploadPath: string) => (await stat(path.join(test.config.dataDir, path.basename(uploadPath)))).size;
const fileCount = async () => (await readdir(test.config.dataDir)).length;

/** The url and check of a POST that must create nothing: as many files in the data dir after it as before. */
function createsNothing(): Pick<HttpCase, 'url' | 'then'> {
  let before = -1;
  return {
    url: async () => {
      before = await fileCount();
      return '/files/';
    },
    then: async () => assert.equal(await fileCount(), before, 'no upload created'),
  };
}

// biome-ignore format: one case per line
const cases: HttpCase[] = [
  // POST: creation, creation-with-upload
  { name: 'POST creates', method: 'POST', url: '/files/', headers: { ...TUS, 'Upload-Length': '10' }, status: 201,
    expectHeaders: { Location: /^\/files\/[0-9a-f]{32}$/, 'Tus-Resumable': '1.0.0', 'Upload-Expires': /GMT$/ } },
  { name: 'POST without the trailing slash creates', method: 'POST', url: '/files', headers: { ...TUS, 'Upload-Length': '10' }, status: 201 },
  { name: 'POST with a deferred length creates', method: 'POST', url: '/files/', headers: { ...TUS, 'Upload-Defer-Length': '1' }, status: 201 },
  { name: 'POST with a body (creation-with-upload)', method: 'POST', url: '/files/', headers: { ...TUS, ...OCTET, 'Upload-Length': '5' }, body: 'hello', status: 201,
    expectHeaders: { 'Upload-Offset': '5', 'Upload-Expires': null } },
  { name: 'POST with a body that does not finish the upload', method: 'POST', url: '/files/', headers: { ...TUS, ...OCTET, 'Upload-Length': '10' }, body: 'hello', status: 201,
    expectHeaders: { 'Upload-Offset': '5', 'Upload-Expires': /GMT$/, Location: /^\/files\/[0-9a-f]{32}$/ },
    then: async (response) => assert.equal(await headOffset(test, response.headers.location as string), 5) },
  { name: 'POST with a deferred length and a body', method: 'POST', url: '/files/', headers: { ...TUS, ...OCTET, 'Upload-Defer-Length': '1' }, body: 'hello', status: 201,
    expectHeaders: { 'Upload-Offset': '5', 'Upload-Expires': /GMT$/ },
    then: async (response) => {
      const head = await test.http().head(response.headers.location as string).set(TUS);
      assert.equal(head.headers['upload-offset'], '5');
      assert.equal(head.headers['upload-defer-length'], '1');
    } },
  { name: 'POST with the upload Content-Type and no body', method: 'POST', url: '/files/', headers: { ...TUS, ...OCTET, 'Upload-Length': '5' }, status: 201,
    expectHeaders: { 'Upload-Offset': '0', 'Upload-Expires': /GMT$/ } },
  { name: 'POST with a body but another Content-Type ignores the body', method: 'POST', url: '/files/', headers: { ...TUS, 'Content-Type': 'text/plain', 'Upload-Length': '5' }, body: 'hello', status: 201,
    expectHeaders: { 'Upload-Offset': null },
    then: async (response) => assert.equal(await headOffset(test, response.headers.location as string), 0) },
  { name: 'POST of an empty upload (Upload-Length: 0) is finished at once', method: 'POST', url: '/files/', headers: { ...TUS, 'Upload-Length': '0' }, status: 201,
    expectHeaders: { 'Upload-Expires': null, 'Upload-Offset': null },
    then: async (response) => {
      const download = await test.http().get(response.headers.location as string);
      assert.equal(download.status, 200);
      assert.equal(download.headers['content-length'], '0');
    } },
  { name: 'POST with metadata, a key without a value included', method: 'POST', url: '/files/',
    headers: { ...TUS, 'Upload-Length': '1', 'Upload-Metadata': `${metadataHeader({ filename: 'a.txt' })},flag` }, status: 201,
    then: async (response) => {
      const head = await test.http().head(response.headers.location as string).set(TUS);
      assert.equal(head.headers['upload-metadata'], `${metadataHeader({ filename: 'a.txt' })},flag`);
    } },
  { name: 'POST to the collection with X-HTTP-Method-Override: PATCH is a PATCH there', method: 'POST', url: '/files/', headers: { ...TUS, 'Upload-Length': '1', 'X-HTTP-Method-Override': 'PATCH' }, status: 405, code: 'HTTP_METHOD_NOT_ALLOWED' },
  { name: 'POST without Upload-Length', method: 'POST', url: '/files/', headers: TUS, status: 400, code: 'UPLOAD_LENGTH_INVALID' },
  { name: 'POST with a bad Upload-Length', method: 'POST', url: '/files/', headers: { ...TUS, 'Upload-Length': '-1' }, status: 400, code: 'UPLOAD_LENGTH_INVALID' },
  { name: 'POST with a fractional Upload-Length', method: 'POST', url: '/files/', headers: { ...TUS, 'Upload-Length': '1.5' }, status: 400, code: 'UPLOAD_LENGTH_INVALID' },
  { name: 'POST with both Upload-Length and Upload-Defer-Length', method: 'POST', ...createsNothing(), headers: { ...TUS, 'Upload-Length': '1', 'Upload-Defer-Length': '1' }, status: 400, code: 'UPLOAD_LENGTH_INVALID' },
  { name: 'POST with Upload-Defer-Length other than 1', method: 'POST', url: '/files/', headers: { ...TUS, 'Upload-Defer-Length': '2' }, status: 400, code: 'UPLOAD_LENGTH_INVALID' },
  { name: 'POST with Upload-Defer-Length: 0', method: 'POST', url: '/files/', headers: { ...TUS, 'Upload-Defer-Length': '0' }, status: 400, code: 'UPLOAD_LENGTH_INVALID' },
  { name: 'POST with bad Upload-Metadata', method: 'POST', ...createsNothing(), headers: { ...TUS, 'Upload-Length': '1', 'Upload-Metadata': 'name !!!' }, status: 400, code: 'UPLOAD_METADATA_INVALID' },
  { name: 'POST with a repeated Upload-Metadata key', method: 'POST', url: '/files/', headers: { ...TUS, 'Upload-Length': '1', 'Upload-Metadata': 'a YQ==,a Yg==' }, status: 400, code: 'UPLOAD_METADATA_INVALID' },
  { name: 'POST with an empty Upload-Metadata', method: 'POST', url: '/files/', headers: { ...TUS, 'Upload-Length': '1', 'Upload-Metadata': '' }, status: 400, code: 'UPLOAD_METADATA_INVALID' },
  { name: 'POST with a value that is not Base64', method: 'POST', url: '/files/', headers: { ...TUS, 'Upload-Length': '1', 'Upload-Metadata': 'name abc' }, status: 400, code: 'UPLOAD_METADATA_INVALID' },
  { name: 'POST without Tus-Resumable', method: 'POST', ...createsNothing(), headers: { 'Upload-Length': '1' }, status: 412, code: 'TUS_VERSION_UNSUPPORTED',
    expectHeaders: { 'Tus-Version': '1.0.0', 'Tus-Resumable': '1.0.0' } },
  { name: 'POST with an unsupported Tus-Resumable', method: 'POST', url: '/files/', headers: { 'Tus-Resumable': '0.2.2', 'Upload-Length': '1' }, status: 412, code: 'TUS_VERSION_UNSUPPORTED',
    expectHeaders: { 'Tus-Version': '1.0.0' } },
  { name: 'POST over Tus-Max-Size', method: 'POST', ...createsNothing(), headers: { ...TUS, 'Upload-Length': String(MAX_SIZE + 1) }, status: 413, code: 'UPLOAD_TOO_LARGE' },
  { name: 'POST at Tus-Max-Size', method: 'POST', url: '/files/', headers: { ...TUS, 'Upload-Length': String(MAX_SIZE) }, status: 201 },
  { name: 'POST with a body beyond Upload-Length', method: 'POST', ...createsNothing(), headers: { ...TUS, ...OCTET, 'Upload-Length': '2' }, body: 'hello', status: 413, code: 'UPLOAD_LENGTH_EXCEEDED' },
  { name: 'POST with a deferred length and a body over Tus-Max-Size', method: 'POST', ...createsNothing(), headers: { ...TUS, ...OCTET, 'Upload-Defer-Length': '1' }, body: Buffer.alloc(MAX_SIZE + 1), status: 413, code: 'UPLOAD_TOO_LARGE' },
  { name: 'POST a partial upload (concatenation)', method: 'POST', url: '/files/', headers: { ...TUS, 'Upload-Concat': 'partial', 'Upload-Length': '1' }, status: 201 },
  { name: 'POST with a malformed Upload-Concat', method: 'POST', ...createsNothing(), headers: { ...TUS, 'Upload-Concat': 'parts', 'Upload-Length': '1' }, status: 400, code: 'UPLOAD_CONCAT_INVALID' },
  { name: 'POST a final upload of an unknown upload', method: 'POST', ...createsNothing(), headers: { ...TUS, 'Upload-Concat': 'final;/files/0123456789abcdef0123456789abcdef' }, status: 404, code: 'UPLOAD_CONCAT_PART_NOT_FOUND' },
  { name: 'POST to an upload URL', method: 'POST', url: upload(), headers: TUS, status: 405, code: 'HTTP_METHOD_NOT_ALLOWED', expectHeaders: { Allow: /PATCH/ } },

  // HEAD
  { name: 'HEAD reports offset and length', method: 'HEAD', url: upload({ 'Upload-Length': '10', 'Upload-Metadata': metadataHeader({ filename: 'a.txt' }) }), headers: TUS, status: 200,
    expectHeaders: { 'Upload-Offset': '0', 'Upload-Length': '10', 'Cache-Control': 'no-store', 'Upload-Metadata': metadataHeader({ filename: 'a.txt' }), 'Tus-Resumable': '1.0.0' } },
  { name: 'HEAD of a deferred upload', method: 'HEAD', url: upload({ 'Upload-Defer-Length': '1' }), headers: TUS, status: 200,
    expectHeaders: { 'Upload-Defer-Length': '1', 'Upload-Length': null } },
  { name: 'HEAD of an unknown upload', method: 'HEAD', url: UNKNOWN, headers: TUS, status: 404 },
  { name: 'HEAD of a malformed id', method: 'HEAD', url: '/files/not-an-id', headers: TUS, status: 404 },
  { name: 'HEAD without Tus-Resumable', method: 'HEAD', url: upload(), status: 412, expectHeaders: { 'Tus-Version': '1.0.0' } },
  { name: 'HEAD of the collection', method: 'HEAD', url: '/files/', headers: TUS, status: 405 },

  // PATCH
  { name: 'PATCH appends', method: 'PATCH', url: upload(), headers: { ...TUS, ...OCTET, 'Upload-Offset': '0' }, body: 'hello', status: 204,
    expectHeaders: { 'Upload-Offset': '5', 'Tus-Resumable': '1.0.0', 'Upload-Expires': /GMT$/ } },
  { name: 'PATCH that finishes has no Upload-Expires', method: 'PATCH', url: upload({ 'Upload-Length': '5' }), headers: { ...TUS, ...OCTET, 'Upload-Offset': '0' }, body: 'hello', status: 204,
    expectHeaders: { 'Upload-Offset': '5', 'Upload-Expires': null } },
  { name: 'PATCH declares a deferred length and finishes', method: 'PATCH', url: upload({ 'Upload-Defer-Length': '1' }), headers: { ...TUS, ...OCTET, 'Upload-Offset': '0', 'Upload-Length': '5' }, body: 'hello', status: 204,
    expectHeaders: { 'Upload-Offset': '5' },
    then: async (_response, uploadPath) => {
      const head = await test.http().head(uploadPath).set(TUS);
      assert.equal(head.headers['upload-length'], '5');
    } },
  { name: 'PATCH without Upload-Offset', method: 'PATCH', url: upload(), headers: { ...TUS, ...OCTET }, body: 'x', status: 400, code: 'UPLOAD_OFFSET_INVALID' },
  { name: 'PATCH with a negative Upload-Offset', method: 'PATCH', url: upload(), headers: { ...TUS, ...OCTET, 'Upload-Offset': '-1' }, body: 'x', status: 400, code: 'UPLOAD_OFFSET_INVALID' },
  { name: 'PATCH with a bad Upload-Length', method: 'PATCH', url: upload({ 'Upload-Defer-Length': '1' }), headers: { ...TUS, ...OCTET, 'Upload-Offset': '0', 'Upload-Length': 'x' }, body: 'x', status: 400, code: 'UPLOAD_LENGTH_INVALID' },
  { name: 'PATCH changing a known length', method: 'PATCH', url: upload(), headers: { ...TUS, ...OCTET, 'Upload-Offset': '0', 'Upload-Length': '11' }, body: 'x', status: 400, code: 'UPLOAD_LENGTH_INVALID' },
  { name: 'PATCH of an unknown upload', method: 'PATCH', url: UNKNOWN, headers: { ...TUS, ...OCTET, 'Upload-Offset': '0' }, body: 'x', status: 404, code: 'UPLOAD_NOT_FOUND', expectHeaders: { 'Tus-Resumable': '1.0.0' } },
  { name: 'PATCH with the wrong offset changes nothing', method: 'PATCH', url: upload(), headers: { ...TUS, ...OCTET, 'Upload-Offset': '3' }, body: 'abc', status: 409, code: 'UPLOAD_OFFSET_MISMATCH',
    then: async (_response, uploadPath) => {
      assert.equal(await headOffset(test, uploadPath), 0);
      assert.equal(await dataFileSize(uploadPath), 0);
    } },
  { name: 'PATCH without Tus-Resumable', method: 'PATCH', url: upload(), headers: { ...OCTET, 'Upload-Offset': '0' }, body: 'x', status: 412, code: 'TUS_VERSION_UNSUPPORTED', expectHeaders: { 'Tus-Version': '1.0.0' } },
  { name: 'PATCH with the wrong Content-Type', method: 'PATCH', url: upload(), headers: { ...TUS, 'Content-Type': 'text/plain', 'Upload-Offset': '0' }, body: 'x', status: 415, code: 'UPLOAD_CONTENT_TYPE_INVALID' },
  { name: 'PATCH with a body beyond Upload-Length stores nothing', method: 'PATCH', url: upload({ 'Upload-Length': '4' }), headers: { ...TUS, ...OCTET, 'Upload-Offset': '0' }, body: 'too long', status: 413, code: 'UPLOAD_LENGTH_EXCEEDED',
    then: async (_response, uploadPath) => {
      assert.equal(await headOffset(test, uploadPath), 0);
      assert.equal(await dataFileSize(uploadPath), 0);
    } },
  { name: 'PATCH declaring a length over Tus-Max-Size', method: 'PATCH', url: upload({ 'Upload-Defer-Length': '1' }), headers: { ...TUS, ...OCTET, 'Upload-Offset': '0', 'Upload-Length': String(MAX_SIZE + 1) }, body: 'x', status: 413, code: 'UPLOAD_TOO_LARGE' },
  { name: 'PATCH of a deferred upload with a body over Tus-Max-Size', method: 'PATCH', url: upload({ 'Upload-Defer-Length': '1' }), headers: { ...TUS, ...OCTET, 'Upload-Offset': '0' }, body: Buffer.alloc(MAX_SIZE + 1), status: 413, code: 'UPLOAD_TOO_LARGE',
    then: async (_response, uploadPath) => assert.equal(await dataFileSize(uploadPath), 0) },
  { name: 'PATCH through X-HTTP-Method-Override', method: 'POST', url: upload(), headers: { ...TUS, ...OCTET, 'Upload-Offset': '0', 'X-HTTP-Method-Override': 'PATCH' }, body: 'hey', status: 204,
    expectHeaders: { 'Upload-Offset': '3' } },

  // DELETE (termination)
  { name: 'DELETE terminates', method: 'DELETE', url: upload(), headers: TUS, status: 204, expectHeaders: { 'Tus-Resumable': '1.0.0' },
    then: async (_response, uploadPath) => {
      const head = await test.http().head(uploadPath).set(TUS);
      assert.equal(head.status, 404);
      const again = await test.http().patch(uploadPath).set({ ...TUS, ...OCTET, 'Upload-Offset': '0' }).send('x');
      assert.equal(again.status, 404);
      assert.equal(JSON.parse(again.text).error.code, 'UPLOAD_NOT_FOUND');
    } },
  { name: 'DELETE of an unknown upload', method: 'DELETE', url: UNKNOWN, headers: TUS, status: 404, code: 'UPLOAD_NOT_FOUND' },
  { name: 'DELETE without Tus-Resumable', method: 'DELETE', url: upload(), status: 412, code: 'TUS_VERSION_UNSUPPORTED' },

  // OPTIONS (discovery)
  { name: 'OPTIONS discovers, advertising exactly the extensions that work', method: 'OPTIONS', url: '/files/', status: 204,
    expectHeaders: { 'Tus-Version': '1.0.0', 'Tus-Resumable': '1.0.0', 'Tus-Max-Size': String(MAX_SIZE), 'Tus-Extension': 'creation,creation-with-upload,creation-defer-length,termination,expiration,concatenation,concatenation-unfinished,checksum,checksum-trailer' } },
  { name: 'OPTIONS on an upload URL discovers too', method: 'OPTIONS', url: upload(), status: 204, expectHeaders: { 'Tus-Version': '1.0.0' } },

  // other routes and methods
  { name: 'PUT on an upload URL', method: 'PUT', url: upload(), headers: TUS, status: 405, code: 'HTTP_METHOD_NOT_ALLOWED' },
  { name: 'GET of the collection', method: 'GET', url: '/files/', status: 405, code: 'HTTP_METHOD_NOT_ALLOWED' },
  { name: 'an unknown route', method: 'GET', url: '/nope', status: 404, code: 'HTTP_NOT_FOUND' },
];

describe('tus status codes, one table', () => {
  for (const testCase of cases) {
    it(testCase.name, () => runCase(test, testCase));
  }

  it('a finished upload stays finished: HEAD after the last PATCH', async () => {
    const uploadPath = await createFinishedUpload(test, Buffer.from('0123456789'));
    assert.equal(await headOffset(test, uploadPath), 10);
  });
});
