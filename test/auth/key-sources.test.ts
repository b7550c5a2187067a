import assert from 'node:assert/strict';
import { once } from 'node:events';
import { writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { exportJWK, exportSPKI, generateKeyPair, type JWK } from 'jose';
import { createAuthenticator } from '../../src/auth/authenticator.js';
import { loadConfig } from '../../src/config/load-config.js';
import { type TestFerry, TUS } from '../http/harness.js';
import { makeTempDir } from '../support/temp-dir.js';
import { bearer, sign, startJwtFerry } from './auth-fixtures.js';

async function postStatus(test: TestFerry, token: string): Promise<{ status: number; code?: string }> {
  const response = await test
    .http()
    .post('/files/')
    .set({ ...TUS, ...bearer(token), 'Upload-Length': '3' });
  return { status: response.status, code: response.status >= 400 ? (JSON.parse(response.text) as { error: { code: string } }).error.code : undefined };
}

const KEY_TYPES = [
  { alg: 'RS256', label: 'RSA' },
  { alg: 'ES256', label: 'EC P-256' },
  { alg: 'EdDSA', label: 'Ed25519' },
] as const;

describe('FERRY_JWT_PUBLIC_KEY_FILE: a PEM (SPKI) public key', () => {
  for (const { alg, label } of KEY_TYPES) {
    it(`${label}: verifies ${alg} tokens of its private key, and nothing else`, async () => {
      const { publicKey, privateKey } = await generateKeyPair(alg, { extractable: true });
      const other = await generateKeyPair(alg);
      const file = path.join(await makeTempDir(), 'public.pem');
      const pem = await exportSPKI(publicKey);
      await writeFile(file, pem);
      // The settings as an operator gives them: loadConfig validates the file and derives the algorithms.
      const config = loadConfig([], { FERRY_AUTH: 'jwt', FERRY_JWT_PUBLIC_KEY_FILE: file });
      const test = await startJwtFerry({ ...config, dataDir: (await makeTempDir()) as string, port: 0, logLevel: 'silent', host: '127.0.0.1' });

      assert.deepEqual(await postStatus(test, await sign({}, { key: privateKey, alg })), { status: 201, code: undefined });
      assert.deepEqual(await postStatus(test, await sign({}, { key: other.privateKey, alg })), { status: 401, code: 'AUTH_INVALID' });
      // Algorithm confusion: an HS256 token whose "secret" is the public key's PEM text.
      assert.deepEqual(await postStatus(test, await sign({}, { key: new TextEncoder().encode(pem), alg: 'HS256' })), { status: 401, code: 'AUTH_INVALID' });
    });
  }
});

const jwksServers: Server[] = [];
after(() => {
  for (const server of jwksServers) server.close();
});

/** A JWKS served on 127.0.0.1 that counts its fetches; `keys` can be swapped (a key rotation). */
async function startJwksServer(): Promise<{ url: string; server: Server; fetches: () => number; setKeys: (keys: JWK[]) => void }> {
  let keys: JWK[] = [];
  let fetches = 0;
  const server = createServer((_request, response) => {
    fetches += 1;
    response.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ keys }));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  jwksServers.push(server);
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/.well-known/jwks.json`,
    server,
    fetches: () => fetches,
    setKeys: (next) => {
      keys = next;
    },
  };
}

async function signingKey(alg: 'RS256' | 'ES256', kid: string) {
  const { publicKey, privateKey } = await generateKeyPair(alg, { extractable: true });
  return { privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' } };
}

describe('FERRY_JWKS_URL: keys fetched from a JWKS', async () => {
  const jwks = await startJwksServer();
  const config = loadConfig([], { FERRY_AUTH: 'jwt', FERRY_JWKS_URL: jwks.url });
  // A cooldown of 0 lets an unknown key id fetch the set again at once (30 s by default).
  const authenticate = createAuthenticator(config, { jwksCooldownMs: 0 });
  const test = await startJwtFerry({ ...config, dataDir: await makeTempDir(), port: 0, logLevel: 'silent', host: '127.0.0.1' }, { authenticate });

  it('fetches the set once and keeps it for the next tokens', async () => {
    const first = await signingKey('RS256', 'first');
    jwks.setKeys([first.jwk]);
    for (let request = 0; request < 3; request += 1) {
      // Different tokens each time, so the cache of verified tokens does not answer.
      assert.equal((await postStatus(test, await sign({ jti: String(request) }, { key: first.privateKey, alg: 'RS256', kid: 'first' }))).status, 201);
    }
    assert.equal(jwks.fetches(), 1);
  });

  it('fetches it again for a key id it does not hold (a rotation), and refuses a token no key of the set verifies', async () => {
    const before = jwks.fetches();
    const second = await signingKey('ES256', 'second');
    jwks.setKeys([second.jwk]);
    assert.equal((await postStatus(test, await sign({}, { key: second.privateKey, alg: 'ES256', kid: 'second' }))).status, 201);
    assert.equal(jwks.fetches(), before + 1);
    const stranger = await signingKey('ES256', 'stranger');
    assert.deepEqual(await postStatus(test, await sign({}, { key: stranger.privateKey, alg: 'ES256', kid: 'stranger' })), {
      status: 401,
      code: 'AUTH_INVALID',
    });
  });

  it('answers 503 AUTH_KEYS_UNAVAILABLE while the JWKS cannot be fetched (the token may be good)', async () => {
    const down = await startJwksServer();
    const config = loadConfig([], { FERRY_AUTH: 'jwt', FERRY_JWKS_URL: down.url });
    down.server.close();
    await once(down.server, 'close');
    const offline = await startJwtFerry({ ...config, dataDir: await makeTempDir(), port: 0, logLevel: 'silent', host: '127.0.0.1' });
    const key = await signingKey('RS256', 'k');
    assert.deepEqual(await postStatus(offline, await sign({}, { key: key.privateKey, alg: 'RS256', kid: 'k' })), {
      status: 503,
      code: 'AUTH_KEYS_UNAVAILABLE',
    });
  });
});
