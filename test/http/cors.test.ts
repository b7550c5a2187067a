import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CORS_EXPOSE_HEADERS } from '../../src/http/middleware/cors.js';
import { createUpload, type HttpCase, rawRequest, runCase, startFerry, TUS } from './harness.js';

const APP = 'https://app.example.com';
const listed = await startFerry({ corsOrigins: [APP] });
const anyOrigin = await startFerry({ corsOrigins: ['*'] });

const PREFLIGHT = { Origin: APP, 'Access-Control-Request-Method': 'PATCH', 'Access-Control-Request-Headers': 'tus-resumable,upload-offset,content-type' };
const EXPOSED = new RegExp(`^${CORS_EXPOSE_HEADERS.join(', ')}$`);
const REQUIRED_EXPOSED = [
  'Location',
  'Upload-Offset',
  'Upload-Length',
  'Tus-Resumable',
  'Upload-Expires',
  'Upload-Metadata',
  'Tus-Version',
  'Tus-Extension',
  'Tus-Max-Size',
  'Upload-Defer-Length',
  'Upload-Concat',
];

const cases: HttpCase[] = [
  {
    name: 'preflight on /files/ from an allowed origin, with the tus discovery headers',
    method: 'OPTIONS',
    url: '/files/',
    headers: PREFLIGHT,
    status: 204,
    expectHeaders: {
      'Access-Control-Allow-Origin': APP,
      'Access-Control-Allow-Methods': 'GET, HEAD, POST, PATCH, DELETE, OPTIONS',
      'Access-Control-Allow-Headers': /Tus-Resumable.*Upload-Offset.*X-HTTP-Method-Override.*X-Request-Id/,
      'Access-Control-Max-Age': '86400',
      'Access-Control-Expose-Headers': EXPOSED,
      Vary: /Origin/,
      'Tus-Resumable': '1.0.0',
      'Tus-Version': '1.0.0',
      'Tus-Extension': /creation/,
    },
  },
  {
    name: 'preflight on an upload URL',
    method: 'OPTIONS',
    url: () => createUpload(listed),
    headers: PREFLIGHT,
    status: 204,
    expectHeaders: { 'Access-Control-Allow-Origin': APP, 'Access-Control-Allow-Methods': /PATCH/ },
  },
  {
    name: 'preflight on /healthz',
    method: 'OPTIONS',
    url: '/healthz',
    headers: { ...PREFLIGHT, 'Access-Control-Request-Method': 'GET' },
    status: 204,
    expectHeaders: { 'Access-Control-Allow-Origin': APP },
  },
  {
    name: 'preflight from a disallowed origin gets no CORS headers',
    method: 'OPTIONS',
    url: '/files/',
    headers: { ...PREFLIGHT, Origin: 'https://evil.example' },
    status: 204,
    expectHeaders: { 'Access-Control-Allow-Origin': null, 'Access-Control-Allow-Methods': null, 'Access-Control-Expose-Headers': null, 'Tus-Version': '1.0.0' },
  },
  {
    name: 'OPTIONS without Origin still discovers',
    method: 'OPTIONS',
    url: '/files/',
    status: 204,
    expectHeaders: { 'Tus-Version': '1.0.0', 'Tus-Extension': /termination/, 'Access-Control-Allow-Origin': null },
  },
  {
    name: 'POST from an allowed origin exposes the tus headers',
    method: 'POST',
    url: '/files/',
    headers: { ...TUS, Origin: APP, 'Upload-Length': '1' },
    status: 201,
    expectHeaders: { 'Access-Control-Allow-Origin': APP, 'Access-Control-Expose-Headers': EXPOSED, 'Access-Control-Allow-Methods': null },
  },
  {
    name: 'POST from a disallowed origin gets no ACAO',
    method: 'POST',
    url: '/files/',
    headers: { ...TUS, Origin: 'https://evil.example', 'Upload-Length': '1' },
    status: 201,
    expectHeaders: { 'Access-Control-Allow-Origin': null, 'Access-Control-Expose-Headers': null },
  },
  {
    name: 'an error from an allowed origin carries CORS headers',
    method: 'POST',
    url: '/files/',
    headers: { Origin: APP, 'Upload-Length': '1' },
    status: 412,
    expectHeaders: { 'Access-Control-Allow-Origin': APP, 'Access-Control-Expose-Headers': EXPOSED },
  },
  {
    name: 'a 404 for an allowed origin carries CORS headers',
    method: 'GET',
    url: '/nope',
    headers: { Origin: APP },
    status: 404,
    expectHeaders: { 'Access-Control-Allow-Origin': APP },
  },
];

describe('CORS with a list of origins', () => {
  for (const testCase of cases) it(testCase.name, () => runCase(listed, testCase));

  it('every header the brief lists is exposed', () => {
    for (const name of REQUIRED_EXPOSED) assert.ok((CORS_EXPOSE_HEADERS as readonly string[]).includes(name), name);
  });
});

describe('CORS for any origin', () => {
  it("answers * on tus responses, once (not doubled with @tus/server's own)", async () => {
    const response = await rawRequest(anyOrigin.baseUrl, 'POST', '/files/', { ...TUS, Origin: 'https://anywhere.example', 'Upload-Length': '1' });
    assert.equal(response.status, 201);
    assert.equal(response.headers['access-control-allow-origin'], '*');
    assert.match(response.headers['access-control-expose-headers'] ?? '', EXPOSED);
    assert.equal(response.headers.vary, undefined);
  });

  it('answers * on a preflight', () =>
    runCase(anyOrigin, {
      name: 'preflight',
      method: 'OPTIONS',
      url: '/files/',
      headers: { ...PREFLIGHT, Origin: 'https://anywhere.example' },
      status: 204,
      expectHeaders: { 'Access-Control-Allow-Origin': '*', 'Access-Control-Allow-Headers': /X-Request-Id/ },
    }));
});
