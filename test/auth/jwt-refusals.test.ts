import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runCase, type TestFerry, TUS } from '../http/harness.js';
import { AUDIENCE, bearer, ISSUER, OTHER_SECRET, secretKey, sign, startJwtFerry, unsignedToken } from './auth-fixtures.js';

const CHALLENGE = 'Bearer realm="ferry"';
const invalidToken = (description: RegExp) => new RegExp(`^Bearer realm="ferry", error="invalid_token", error_description="${description.source}"$`);

interface RefusalCase {
  name: string;
  /** The Authorization header, or undefined for none. */
  authorization: () => Promise<string | undefined>;
  code: 'AUTH_REQUIRED' | 'AUTH_INVALID' | 'AUTH_EXPIRED';
  challenge: string | RegExp;
}

const REFUSALS: RefusalCase[] = [
  { name: 'no Authorization header', authorization: async () => undefined, code: 'AUTH_REQUIRED', challenge: CHALLENGE },
  { name: 'another scheme (Basic)', authorization: async () => 'Basic YWxpY2U6c2VjcmV0', code: 'AUTH_REQUIRED', challenge: CHALLENGE },
  { name: 'Bearer without a token', authorization: async () => 'Bearer', code: 'AUTH_INVALID', challenge: invalidToken(/The bearer token is malformed\./) },
  {
    name: 'a malformed token',
    authorization: async () => 'Bearer not-a-jwt',
    code: 'AUTH_INVALID',
    challenge: invalidToken(/The bearer token is malformed\./),
  },
  {
    name: 'three segments of garbage',
    authorization: async () => 'Bearer abc.def.ghi',
    code: 'AUTH_INVALID',
    challenge: invalidToken(/The token is malformed\./),
  },
  {
    name: 'expired beyond the 30 s skew',
    authorization: async () => `Bearer ${await sign({}, { expiresIn: -60 })}`,
    code: 'AUTH_EXPIRED',
    challenge: invalidToken(/The token has expired\./),
  },
  {
    name: 'a forged signature (payload changed after signing)',
    authorization: async () => {
      const [header, , signature] = (await sign()).split('.');
      const payload = Buffer.from(JSON.stringify({ sub: 'mallory', iss: ISSUER, aud: AUDIENCE, exp: Math.floor(Date.now() / 1000) + 3600 })).toString(
        'base64url',
      );
      return `Bearer ${header}.${payload}.${signature}`;
    },
    code: 'AUTH_INVALID',
    challenge: invalidToken(/The token signature does not verify with the keys of this server\./),
  },
  {
    name: 'signed with the wrong key',
    authorization: async () => `Bearer ${await sign({}, { key: secretKey(OTHER_SECRET) })}`,
    code: 'AUTH_INVALID',
    challenge: invalidToken(/The token signature does not verify with the keys of this server\./),
  },
  {
    name: 'alg none',
    authorization: async () => `Bearer ${unsignedToken()}`,
    code: 'AUTH_INVALID',
    challenge: invalidToken(/The token's algorithm is not allowed by this server\./),
  },
  {
    name: 'an algorithm outside the allow-list (HS384 with the right secret)',
    authorization: async () => `Bearer ${await sign({}, { alg: 'HS384' })}`,
    code: 'AUTH_INVALID',
    challenge: invalidToken(/The token's algorithm is not allowed by this server\./),
  },
  {
    name: 'no exp claim',
    authorization: async () => `Bearer ${await sign({}, { expiresIn: null })}`,
    code: 'AUTH_INVALID',
    challenge: invalidToken(/The token has no exp claim\./),
  },
  {
    name: 'another issuer',
    authorization: async () => `Bearer ${await sign({ iss: 'https://evil.example' })}`,
    code: 'AUTH_INVALID',
    challenge: invalidToken(/The token's iss claim is not accepted by this server\./),
  },
  {
    name: 'another audience',
    authorization: async () => `Bearer ${await sign({ aud: 'another-service' })}`,
    code: 'AUTH_INVALID',
    challenge: invalidToken(/The token's aud claim is not accepted by this server\./),
  },
  {
    name: 'no sub claim',
    authorization: async () => `Bearer ${await sign({ sub: undefined })}`,
    code: 'AUTH_INVALID',
    challenge: invalidToken(/The token has no sub claim\./),
  },
  {
    name: 'a ferry_actions claim of the wrong shape',
    authorization: async () => `Bearer ${await sign({ ferry_actions: 'upload' })}`,
    code: 'AUTH_INVALID',
    challenge: invalidToken(/The token's ferry_actions claim must be a list of upload, download, delete, import, admin\./),
  },
];

// Started at the top level: the harness closes a ferry when the hook or test that started it ends.
const test: TestFerry = await startJwtFerry();

describe('FERRY_AUTH=jwt refuses a missing or bad credential with 401 and a RFC 6750 challenge', () => {
  for (const refusal of REFUSALS) {
    it(`${refusal.name}: ${refusal.code} on tus, IETF and /imports`, async () => {
      const authorization = await refusal.authorization();
      const headers: Record<string, string> = authorization === undefined ? {} : { Authorization: authorization };
      const requests: { method: 'POST' | 'GET'; url: string; headers: Record<string, string>; protocolHeader: Record<string, string | null> }[] = [
        { method: 'POST', url: '/files/', headers: { ...TUS, ...headers, 'Upload-Length': '5' }, protocolHeader: { 'Tus-Resumable': '1.0.0' } },
        {
          method: 'POST',
          url: '/files/',
          headers: { ...headers, 'Upload-Draft-Interop-Version': '6', 'Upload-Complete': '?1' },
          protocolHeader: { 'Upload-Complete': '?0' },
        },
        { method: 'GET', url: '/imports/some-import', headers, protocolHeader: { 'Tus-Resumable': null } },
      ];
      for (const request of requests) {
        await runCase(test, {
          name: `${refusal.name} (${request.method} ${request.url})`,
          method: request.method,
          url: request.url,
          headers: request.headers,
          status: 401,
          code: refusal.code,
          expectHeaders: { 'WWW-Authenticate': refusal.challenge, ...request.protocolHeader },
          then: (response) => {
            const token = authorization?.replace(/^\S+\s*/, '') ?? '';
            if (token.length > 8) assert.ok(!response.text.includes(token), 'the body never quotes the token');
          },
        });
      }
    });
  }

  it('accepts a token expired less than 30 s ago (clock skew), and a fresh one', async () => {
    for (const expiresIn of [-10, 3600]) {
      const response = await test
        .http()
        .post('/files/')
        .set({ ...TUS, ...bearer(await sign({}, { expiresIn })), 'Upload-Length': '5' });
      assert.equal(response.status, 201, `exp ${expiresIn} s from now: ${response.text}`);
    }
  });

  it('never reads a token from the query string: a URL must not carry a credential', async () => {
    const token = await sign();
    for (const name of ['access_token', 'token', 'jwt']) {
      await runCase(test, {
        name,
        method: 'POST',
        url: `/files/?${name}=${token}`,
        headers: { ...TUS, 'Upload-Length': '5' },
        status: 401,
        code: 'AUTH_REQUIRED',
        expectHeaders: { 'WWW-Authenticate': CHALLENGE },
      });
    }
  });

  it('takes the Bearer scheme case-insensitively (RFC 6750 over RFC 9110)', async () => {
    const response = await test
      .http()
      .post('/files/')
      .set({ ...TUS, Authorization: `bearer ${await sign()}`, 'Upload-Length': '5' });
    assert.equal(response.status, 201, response.text);
  });
});
