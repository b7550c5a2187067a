import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { describe, it } from 'node:test';
import { createFinishedUpload, createUpload, type HttpCase, runCase, startFerry } from './harness.js';

const test = await startFerry();
const CONTENT = Buffer.from('0123456789');
const plain = await createFinishedUpload(test, CONTENT, { filename: 'digits.txt', filetype: 'text/plain' });
const big = randomBytes(8 * 1024 * 1024);
const bigPath = await createFinishedUpload(test, big, { filename: 'big.bin' });

const rangeCases: HttpCase[] = [
  {
    name: 'the whole file',
    method: 'GET',
    url: plain,
    status: 200,
    expectHeaders: {
      'Content-Length': '10',
      'Accept-Ranges': 'bytes',
      'X-Content-Type-Options': 'nosniff',
      'Content-Type': 'text/plain',
      'Content-Range': null,
    },
    then: (response) => assert.equal(response.text, '0123456789'),
  },
  {
    name: 'a range',
    method: 'GET',
    url: plain,
    headers: { Range: 'bytes=2-5' },
    status: 206,
    expectHeaders: { 'Content-Range': 'bytes 2-5/10', 'Content-Length': '4' },
    then: (response) => assert.equal(response.text, '2345'),
  },
  {
    name: 'an open range',
    method: 'GET',
    url: plain,
    headers: { Range: 'bytes=7-' },
    status: 206,
    expectHeaders: { 'Content-Range': 'bytes 7-9/10' },
    then: (response) => assert.equal(response.text, '789'),
  },
  {
    name: 'a suffix range',
    method: 'GET',
    url: plain,
    headers: { Range: 'bytes=-3' },
    status: 206,
    expectHeaders: { 'Content-Range': 'bytes 7-9/10' },
    then: (response) => assert.equal(response.text, '789'),
  },
  {
    name: 'a range past the end is clamped',
    method: 'GET',
    url: plain,
    headers: { Range: 'bytes=8-100' },
    status: 206,
    expectHeaders: { 'Content-Range': 'bytes 8-9/10' },
    then: (response) => assert.equal(response.text, '89'),
  },
  {
    name: 'several ranges are served whole',
    method: 'GET',
    url: plain,
    headers: { Range: 'bytes=0-1,4-5' },
    status: 200,
    then: (response) => assert.equal(response.text, '0123456789'),
  },
  {
    name: 'a range outside the file',
    method: 'GET',
    url: plain,
    headers: { Range: 'bytes=10-' },
    status: 416,
    code: 'HTTP_RANGE_NOT_SATISFIABLE',
    expectHeaders: { 'Content-Range': 'bytes */10' },
  },
  { name: 'an empty suffix range', method: 'GET', url: plain, headers: { Range: 'bytes=-0' }, status: 416, code: 'HTTP_RANGE_NOT_SATISFIABLE' },
  { name: 'an unfinished upload', method: 'GET', url: () => createUpload(test), status: 409, code: 'UPLOAD_NOT_FINISHED' },
  { name: 'an unknown upload', method: 'GET', url: `/files/${'f'.repeat(32)}`, status: 404, code: 'UPLOAD_NOT_FOUND' },
  { name: 'an empty upload', method: 'GET', url: () => createFinishedUpload(test, Buffer.alloc(0)), status: 200, expectHeaders: { 'Content-Length': '0' } },
];

/** metadata → expected Content-Type and Content-Disposition. */
const typeCases: { metadata: Record<string, string>; contentType: string; disposition: RegExp }[] = [
  { metadata: { filetype: 'image/png' }, contentType: 'image/png', disposition: /^inline$/ },
  { metadata: { filetype: 'image/svg+xml' }, contentType: 'image/svg+xml', disposition: /^attachment$/ },
  { metadata: { filetype: 'text/html' }, contentType: 'text/html', disposition: /^attachment$/ },
  { metadata: { filetype: 'application/pdf' }, contentType: 'application/pdf', disposition: /^inline$/ },
  { metadata: { filetype: 'video/mp4' }, contentType: 'video/mp4', disposition: /^inline$/ },
  { metadata: { type: 'audio/mpeg' }, contentType: 'audio/mpeg', disposition: /^inline$/ },
  { metadata: { filetype: 'text/plain; charset=utf-8' }, contentType: 'text/plain; charset=utf-8', disposition: /^inline$/ },
  { metadata: { filetype: 'application/javascript' }, contentType: 'application/javascript', disposition: /^attachment$/ },
  { metadata: { filetype: 'text/html\r\nX-Injected: 1' }, contentType: 'application/octet-stream', disposition: /^attachment$/ },
  { metadata: { filetype: 'not a type' }, contentType: 'application/octet-stream', disposition: /^attachment$/ },
  { metadata: {}, contentType: 'application/octet-stream', disposition: /^attachment$/ },
  {
    metadata: { filename: 'report.csv' },
    contentType: 'application/octet-stream',
    disposition: /^attachment; filename="report\.csv"; filename\*=UTF-8''report\.csv$/,
  },
  { metadata: { name: 'photo.png', filetype: 'image/png' }, contentType: 'image/png', disposition: /^inline; filename="photo\.png"/ },
  {
    metadata: { filename: 'rocket 🚀 café.txt' },
    contentType: 'application/octet-stream',
    disposition: /^attachment; filename="rocket _+ caf_\.txt"; filename\*=UTF-8''rocket%20%F0%9F%9A%80%20caf%C3%A9\.txt$/,
  },
  {
    metadata: { filename: 'evil\r\nSet-Cookie: a=b\u0000"quoted"\\back.txt' },
    contentType: 'application/octet-stream',
    disposition: /^attachment; filename="evilSet-Cookie: a=b_quoted__back\.txt"; filename\*=UTF-8''evilSet-Cookie%3A%20a%3Db%22quoted%22_back\.txt$/,
  },
  { metadata: { filename: '\ud800lone surrogate' }, contentType: 'application/octet-stream', disposition: /filename\*=UTF-8''%EF%BF%BDlone%20surrogate$/ },
];

describe('downloads', () => {
  for (const testCase of rangeCases) it(testCase.name, () => runCase(test, testCase));

  for (const { metadata, contentType, disposition } of typeCases) {
    it(`metadata ${JSON.stringify(metadata)} → ${contentType}`, async () => {
      const uploadPath = await createFinishedUpload(test, CONTENT, metadata);
      const response = await fetch(`${test.baseUrl}${uploadPath}`);
      assert.equal(response.status, 200);
      assert.equal(response.headers.get('content-type'), contentType);
      assert.match(response.headers.get('content-disposition') ?? '', disposition);
      assert.equal(response.headers.get('x-content-type-options'), 'nosniff');
      assert.equal(response.headers.get('x-injected'), null);
      assert.equal(response.headers.get('set-cookie'), null);
      assert.equal(await response.text(), '0123456789');
    });
  }
});

describe('downloads through the real HTTP server', () => {
  it('serves a finished upload byte for byte', async () => {
    const response = await fetch(`${test.baseUrl}${bigPath}`);
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('content-length'), String(big.length));
    assert.ok(Buffer.from(await response.arrayBuffer()).equals(big));
  });

  it('survives a fetch that aborts mid-download, and keeps serving', async () => {
    const controller = new AbortController();
    const response = await fetch(`${test.baseUrl}${bigPath}`, { signal: controller.signal });
    const reader = response.body!.getReader();
    const first = await reader.read();
    assert.ok(first.value && first.value.length > 0);
    controller.abort();
    await assert.rejects(reader.read());
    const health = await fetch(`${test.baseUrl}/healthz`);
    assert.equal(health.status, 200);
    const again = await fetch(`${test.baseUrl}${bigPath}`, { headers: { Range: 'bytes=1000-1999' } });
    assert.equal(again.status, 206);
    assert.ok(Buffer.from(await again.arrayBuffer()).equals(big.subarray(1000, 2000)));
  });

  it('survives a socket destroyed mid-download', async () => {
    const { hostname, port } = new URL(test.baseUrl);
    await new Promise<void>((resolve, reject) => {
      const request = httpRequest({ hostname, port, path: bigPath }, (response) => {
        response.once('data', () => {
          request.destroy();
          resolve();
        });
      });
      request.on('error', (error) => (request.destroyed ? undefined : reject(error)));
      request.end();
    });
    const health = await fetch(`${test.baseUrl}/healthz`);
    assert.equal(health.status, 200);
    assert.deepEqual(await health.json(), { status: 'ok' });
  });
});
