import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import { CLIENT_CSP } from '../../src/http/routes/client-route.js';
import { type HttpCase, rawRequest, runCase, startFerry } from '../http/harness.js';
import { makeTempDir } from '../support/temp-dir.js';

const PAGE_HEADERS = { 'Content-Security-Policy': CLIENT_CSP, 'X-Content-Type-Options': 'nosniff', 'Cache-Control': 'no-cache' };

const clientDir = await makeTempDir('ferry-client-dist-');
await writeFile(path.join(clientDir, 'index.html'), '<!doctype html><title>ferry</title>');
await writeFile(path.join(clientDir, 'app.js'), 'console.log("ferry")');
await writeFile(path.join(clientDir, 'styles.css'), 'body { margin: 0 }');
await writeFile(path.join(clientDir, 'secret.txt'), 'not for the web');
await mkdir(path.join(clientDir, 'assets'));
await writeFile(path.join(clientDir, 'assets', 'extra.js'), 'not built by us');
const test = await startFerry({ clientDir });

/** GET / and its assets: a fixed set of built files, each with its type and the page's CSP; nothing else is served. */
describe('the browser page route', () => {
  const cases: HttpCase[] = [
    {
      name: 'the page',
      method: 'GET',
      url: '/',
      status: 200,
      expectHeaders: { 'Content-Type': 'text/html; charset=utf-8', ...PAGE_HEADERS },
      then: (response) => assert.equal(response.text, '<!doctype html><title>ferry</title>'),
    },
    {
      name: 'its script',
      method: 'GET',
      url: '/assets/app.js',
      status: 200,
      expectHeaders: { 'Content-Type': 'text/javascript; charset=utf-8', ...PAGE_HEADERS },
    },
    {
      name: 'its styles',
      method: 'GET',
      url: '/assets/styles.css',
      status: 200,
      expectHeaders: { 'Content-Type': 'text/css; charset=utf-8', ...PAGE_HEADERS },
    },
    { name: 'the page with a query', method: 'GET', url: '/?chunkSize=65536', status: 200, expectHeaders: { 'Content-Type': 'text/html; charset=utf-8' } },
    { name: 'HEAD of the page', method: 'HEAD', url: '/', status: 200, expectHeaders: { 'Content-Type': 'text/html; charset=utf-8' } },
    { name: 'a file of the directory that is not in the set', method: 'GET', url: '/secret.txt', status: 404, code: 'HTTP_NOT_FOUND' },
    { name: 'a file under assets that is not in the set', method: 'GET', url: '/assets/extra.js', status: 404, code: 'HTTP_NOT_FOUND' },
    { name: 'index.html by name', method: 'GET', url: '/index.html', status: 404, code: 'HTTP_NOT_FOUND' },
    { name: 'POST on the page', method: 'POST', url: '/', status: 405, code: 'HTTP_METHOD_NOT_ALLOWED', expectHeaders: { Allow: 'GET, HEAD, OPTIONS' } },
    { name: 'the API is untouched', method: 'GET', url: '/schemas', status: 200, expectHeaders: { 'Content-Security-Policy': null } },
    { name: 'health is untouched', method: 'GET', url: '/healthz', status: 200 },
  ];
  for (const testCase of cases) it(testCase.name, () => runCase(test, testCase));

  it('walks no path: only the exact request targets name the page, dot segments (encoded or not) are 404', async () => {
    const targets = [
      '/assets/../secret.txt',
      '/assets/%2e%2e/secret.txt',
      '/%2e%2e/package.json',
      '/assets/..%2fsecret.txt',
      '/assets/app.js/../../secret.txt',
      '/files/..',
      '/files/%2e%2e',
      '/assets/extra/../app.js',
      '/x/../',
      '//',
      '/assets//app.js',
    ];
    for (const target of targets) {
      for (const method of ['GET', 'POST']) {
        const response = await rawRequest(test.baseUrl, method, target);
        assert.equal(response.status, 404, `${method} ${target}`);
        assert.equal(response.headers['content-type'], 'application/json', `${method} ${target}`);
      }
    }
  });

  it('answers 304 to a matching If-None-Match', async () => {
    const first = await test.http().get('/assets/app.js');
    const etag = first.headers.etag as string;
    assert.match(etag, /^W\/"[0-9a-f]+-[0-9a-f]+"$/);
    const second = await test.http().get('/assets/app.js').set('If-None-Match', etag);
    assert.equal(second.status, 304);
  });

  it('without a build, / says how to make one, and the rest of ferry runs', async () => {
    const unbuilt = await startFerry({ clientDir: path.join(await makeTempDir(), 'no-such-dist') });
    const response = await unbuilt.http().get('/');
    assert.equal(response.status, 404);
    assert.equal(response.headers['content-type'], 'application/json');
    const body = JSON.parse(response.text) as { error: { code: string; message: string } };
    assert.equal(body.error.code, 'HTTP_NOT_FOUND');
    assert.match(body.error.message, /not built.*run npm run build:client/);
    assert.equal((await unbuilt.http().get('/healthz')).status, 200);
  });
});
