import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import { exportPKCS8, exportSPKI, generateKeyPair } from 'jose';
import { loadConfig } from '../../src/config/load-config.js';
import { isAppError } from '../../src/errors/app-error.js';
import { makeTempDir } from '../support/temp-dir.js';
import { SECRET } from './auth-fixtures.js';

const JWKS = 'https://id.example.test/.well-known/jwks.json';

/** The problems loadConfig reports for `env`, as "setting: message" lines. */
function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig([], env);
  } catch (error) {
    assert.ok(isAppError(error, 'CONFIG_INVALID'));
    return ((error.details?.problems ?? []) as { setting: string; message: string }[]).map((problem) => `${problem.setting}: ${problem.message}`);
  }
  return [];
}

describe('authentication settings', () => {
  let publicKeyFile: string;
  let privateKeyFile: string;
  before(async () => {
    const directory = await makeTempDir();
    const { publicKey, privateKey } = await generateKeyPair('ES256', { extractable: true });
    publicKeyFile = path.join(directory, 'public.pem');
    privateKeyFile = path.join(directory, 'private.pem');
    await writeFile(publicKeyFile, await exportSPKI(publicKey));
    await writeFile(privateKeyFile, await exportPKCS8(privateKey));
  });

  it('default to none, with nothing else needed', () => {
    const config = loadConfig([], {});
    assert.equal(config.auth, 'none');
    assert.deepEqual(config.jwtAlgorithms, []);
  });

  it('take each key source alone', () => {
    assert.equal(loadConfig([], { FERRY_AUTH: 'jwt', FERRY_JWT_SECRET: SECRET }).jwtSecret, SECRET);
    assert.equal(
      loadConfig([], { FERRY_AUTH: 'jwt', FERRY_JWT_PUBLIC_KEY_FILE: publicKeyFile, FERRY_JWT_ALGORITHMS: 'ES256' }).jwtPublicKeyFile,
      publicKeyFile,
    );
    assert.equal(loadConfig(['--auth', 'jwt', '--jwks-url', JWKS], {}).jwksUrl, JWKS);
    assert.equal(loadConfig([], { FERRY_AUTH: 'jwt', FERRY_JWKS_URL: 'http://127.0.0.1:9999/jwks' }).jwksUrl, 'http://127.0.0.1:9999/jwks');
  });

  const cases: { name: string; env: () => Record<string, string>; problems: RegExp[] }[] = [
    { name: 'jwt without a key source', env: () => ({ FERRY_AUTH: 'jwt' }), problems: [/FERRY_AUTH: is jwt: give one key source/] },
    {
      name: 'jwt with two key sources',
      env: () => ({ FERRY_AUTH: 'jwt', FERRY_JWT_SECRET: SECRET, FERRY_JWKS_URL: JWKS }),
      problems: [/FERRY_AUTH: is jwt: give exactly one key source, not FERRY_JWT_SECRET, FERRY_JWKS_URL/],
    },
    {
      name: 'a key source with auth none (the server would be open)',
      env: () => ({ FERRY_JWT_SECRET: SECRET }),
      problems: [/FERRY_AUTH: is none .* FERRY_JWT_SECRET is set/],
    },
    { name: 'hook without a URL', env: () => ({ FERRY_AUTH: 'hook' }), problems: [/FERRY_AUTH: is hook: give FERRY_AUTH_HOOK_URL/] },
    {
      name: 'a hook URL with auth none',
      env: () => ({ FERRY_AUTH_HOOK_URL: 'http://127.0.0.1:9/hook' }),
      problems: [/FERRY_AUTH: is none, yet FERRY_AUTH_HOOK_URL is set/],
    },
    { name: 'a hook URL that is not http', env: () => ({ FERRY_AUTH: 'hook', FERRY_AUTH_HOOK_URL: 'ftp://x/' }), problems: [/must be an http or https URL/] },
    { name: 'an unknown mode', env: () => ({ FERRY_AUTH: 'basic' }), problems: [/FERRY_AUTH: "basic" is not one of none, jwt/] },
    { name: 'a short secret', env: () => ({ FERRY_AUTH: 'jwt', FERRY_JWT_SECRET: 'too-short' }), problems: [/FERRY_JWT_SECRET: must be at least 32 bytes/] },
    {
      name: 'a private key file',
      env: () => ({ FERRY_AUTH: 'jwt', FERRY_JWT_PUBLIC_KEY_FILE: privateKeyFile }),
      problems: [/FERRY_JWT_PUBLIC_KEY_FILE: ".*private.pem" holds a private key/],
    },
    {
      name: 'a missing key file',
      env: () => ({ FERRY_AUTH: 'jwt', FERRY_JWT_PUBLIC_KEY_FILE: '/nonexistent/key.pem' }),
      problems: [/cannot read "\/nonexistent\/key.pem" \(ENOENT\)/],
    },
    {
      name: 'algorithms that do not fit the key',
      env: () => ({ FERRY_AUTH: 'jwt', FERRY_JWT_PUBLIC_KEY_FILE: publicKeyFile, FERRY_JWT_ALGORITHMS: 'ES256,RS256,HS256' }),
      problems: [/FERRY_JWT_ALGORITHMS: RS256, HS256 cannot verify with FERRY_JWT_PUBLIC_KEY_FILE/],
    },
    {
      name: 'HMAC with a JWKS',
      env: () => ({ FERRY_AUTH: 'jwt', FERRY_JWKS_URL: JWKS, FERRY_JWT_ALGORITHMS: 'HS256' }),
      problems: [/FERRY_JWT_ALGORITHMS: HS256 cannot verify with FERRY_JWKS_URL/],
    },
    {
      name: 'alg none',
      env: () => ({ FERRY_AUTH: 'jwt', FERRY_JWT_SECRET: SECRET, FERRY_JWT_ALGORITHMS: 'HS256,none' }),
      problems: [/"none" is never accepted/],
    },
    {
      name: 'a JWKS over http beyond loopback',
      env: () => ({ FERRY_AUTH: 'jwt', FERRY_JWKS_URL: 'http://id.example.test/jwks' }),
      problems: [/must be an https URL/],
    },
    {
      name: 'several problems at once',
      env: () => ({ FERRY_AUTH: 'jwt', FERRY_PORT: 'x', FERRY_JWT_ALGORITHMS: 'XX256' }),
      problems: [/FERRY_PORT/, /FERRY_JWT_ALGORITHMS: "XX256" is not one of/, /FERRY_AUTH: is jwt: give one key source/],
    },
  ];
  for (const { name, env, problems } of cases) {
    it(`report ${name}`, () => {
      const reported = problemsOf(env());
      assert.equal(reported.length, problems.length, reported.join('\n'));
      for (const pattern of problems)
        assert.ok(
          reported.some((line) => pattern.test(line)),
          `${pattern} in:\n${reported.join('\n')}`,
        );
    });
  }
});
