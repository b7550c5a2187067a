import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { type Authenticate, createAuthenticator } from '../../src/auth/authenticator.js';
import type { Principal } from '../../src/auth/principal.js';
import type { Config } from '../../src/config/settings.js';
import { isAppError } from '../../src/errors/app-error.js';
import { createFerry, type Ferry } from '../../src/ferry.js';
import { createLogger } from '../../src/logging/logger.js';
import { makeTestConfig } from '../support/config.js';
import { anyText, asHeaderValue, hostile, longText } from './arbitraries.js';
import { FUZZ_RUNS, fuzzParameters, REQUEST_BUDGET_MS, testTimeout } from './fuzz-settings.js';

/**
 * Hostile Authorization headers against the real JWT authenticator (an HS256 secret) and
 * through the whole app with FERRY_AUTH=jwt: a header is a principal or a 4xx AUTH_* refusal,
 * never a 500, never another kind of throw, within the time budget. The tokens are built
 * here by hand (not with jose), so they can be wrong in every way jose would refuse to sign.
 */

const SECRET = 'fuzz-secret-0123456789abcdef0123456789';
const OTHER_SECRET = 'another-secret-0123456789abcdef01234567';
/** One authentication, cached or not, runs HMAC over at most 8 KiB: far under this. */
const AUTH_BUDGET_MS = 200;
const NOW_SECONDS = Math.floor(Date.now() / 1000);

function base64url(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64url');
}

/** A claim value of any JSON type, or near the edges of the numbers jose compares. */
const anyClaimValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(NOW_SECONDS + 3600, NOW_SECONDS - 3600, 0, -1, 1e300, -1e300, 2 ** 53, 0.5, String(NOW_SECONDS + 3600), '', null, true, [], {}),
  fc.integer(),
  fc.double(),
  anyText,
  fc.jsonValue({ maxDepth: 2 }),
);

/** A JOSE header: the algorithms a mixed-up client or an attacker would name, and odd extras. */
const joseHeader: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: fc.constant({ alg: 'HS256', typ: 'JWT' }) },
  {
    weight: 3,
    arbitrary: fc.record(
      {
        alg: fc.oneof(
          fc.constantFrom('HS256', 'HS256', 'none', 'None', 'NONE', 'HS384', 'HS512', 'RS256', 'ES256', 'PS256', 'EdDSA', 'hs256', ''),
          anyClaimValue,
        ),
        typ: fc.oneof(fc.constant('JWT'), anyClaimValue),
        kid: anyClaimValue,
        crit: fc.oneof(fc.constant(['exp']), fc.constant(['b64']), anyClaimValue),
        b64: fc.boolean(),
      },
      { requiredKeys: ['alg'] },
    ),
  },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
);

/** Claims: sometimes fine, often with exp/nbf/iat/sub or a ferry_* claim of the wrong type; or JSON that is not an object. */
const CLAIM_NAMES = ['sub', 'exp', 'nbf', 'iat', 'iss', 'aud', 'ferry_actions', 'ferry_max_size', 'ferry_schemas'] as const;
const claims: fc.Arbitrary<unknown> = fc.oneof(
  // Valid claims with one of them (or none) replaced by a value of any type.
  {
    weight: 3,
    arbitrary: fc
      .tuple(fc.option(fc.constantFrom(...CLAIM_NAMES), { nil: undefined }), anyClaimValue)
      .map(([name, value]) => ({ sub: 'alice', exp: NOW_SECONDS + 3600, ...(name === undefined ? {} : { [name]: value }) })),
  },
  {
    weight: 3,
    arbitrary: fc.record(
      {
        sub: fc.oneof(fc.constantFrom('alice', 'bob'), anyClaimValue),
        exp: fc.oneof(fc.constant(NOW_SECONDS + 3600), anyClaimValue),
        nbf: anyClaimValue,
        iat: anyClaimValue,
        iss: anyClaimValue,
        aud: anyClaimValue,
        ferry_actions: fc.oneof(fc.subarray(['upload', 'download', 'delete', 'import', 'admin']), anyClaimValue),
        ferry_max_size: anyClaimValue,
        ferry_schemas: anyClaimValue,
      },
      { requiredKeys: [] },
    ),
  },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
);

/** A segment that is not base64url of JSON: bad alphabet, padding, bad JSON, or huge. */
const badSegment: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('', '=', 'e30=', 'e30', 'eyJ', 'eyJhbGciOiJIUzI1NiJ9==', 'a+b/', '____', '----', 'AAAA', 'bnVsbA', 'W10', 'MQ', 'InN0cmluZyI'),
  fc.string({ unit: fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_+/='), maxLength: 60 }),
  anyText.map(base64url),
  fc.integer({ min: 1_000, max: 20_000 }).map((length) => 'A'.repeat(length)),
);

type Signature = 'right-secret' | 'wrong-secret' | 'garbage' | 'empty';

/** A compact JWS, three dot-separated parts, each maybe broken; `signedWith: right-secret` may be a valid token. */
const token: fc.Arbitrary<{ text: string; signedWith: Signature }> = fc
  .record({
    header: fc.oneof({ weight: 4, arbitrary: joseHeader.map((value) => base64url(JSON.stringify(value) ?? 'null')) }, { weight: 1, arbitrary: badSegment }),
    payload: fc.oneof({ weight: 4, arbitrary: claims.map((value) => base64url(JSON.stringify(value) ?? 'null')) }, { weight: 1, arbitrary: badSegment }),
    signedWith: fc.constantFrom<Signature>('right-secret', 'right-secret', 'right-secret', 'wrong-secret', 'garbage', 'empty'),
    garbage: badSegment,
    extraSegments: fc.oneof({ weight: 4, arbitrary: fc.constant([]) }, { weight: 1, arbitrary: fc.array(badSegment, { minLength: 1, maxLength: 2 }) }),
  })
  .map(({ header, payload, signedWith, garbage, extraSegments }) => {
    const input = `${header}.${payload}`;
    const signature =
      signedWith === 'right-secret'
        ? createHmac('sha256', SECRET).update(input).digest('base64url')
        : signedWith === 'wrong-secret'
          ? createHmac('sha256', OTHER_SECRET).update(input).digest('base64url')
          : signedWith === 'garbage'
            ? garbage
            : '';
    return { text: [input, signature, ...extraSegments].join('.'), signedWith };
  });

const SCHEMES = ['Bearer', 'bearer', 'BEARER', 'Bearer  ', 'Basic', 'Token', 'Bearer\t', 'JWT'];

/** An Authorization value: a crafted token after some scheme, or anything at all. */
const authorization: fc.Arbitrary<{ value: string; signedWith: Signature | 'none' }> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc
      .tuple(
        fc.oneof({ weight: 3, arbitrary: fc.constant('Bearer') }, { weight: 1, arbitrary: fc.constantFrom(...SCHEMES) }),
        fc.constantFrom(' ', ' ', ' ', '  ', ''),
        token,
      )
      .map(([scheme, space, { text, signedWith }]) => ({ value: `${scheme}${space}${text}`, signedWith })),
  },
  { weight: 2, arbitrary: hostile(fc.constant('Bearer a.b.c')).map((value) => ({ value, signedWith: 'none' as const })) },
  { weight: 1, arbitrary: fc.oneof(anyText, longText).map((value) => ({ value: `Bearer ${value}`, signedWith: 'none' as const })) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.constantFrom('Bearer ', ''), fc.integer({ min: 8_000, max: 200_000 }))
      .map(([prefix, length]) => ({ value: `${prefix}${'eyJ'.repeat(length / 3)}.e30.x`, signedWith: 'none' as const })),
  },
);

type Outcome = { principal: Principal } | { refused: string; status: number };

/** One authentication: a principal, or an AppError of the AUTH_* family with a 4xx status; anything else fails. */
async function authenticateOnce(authenticate: Authenticate, value: string): Promise<Outcome> {
  const headers = new Headers({ authorization: asHeaderValue(value) });
  const started = performance.now();
  let outcome: Outcome;
  try {
    outcome = { principal: await authenticate(headers) };
  } catch (error) {
    if (!isAppError(error)) throw error;
    outcome = { refused: error.code, status: error.status };
  }
  const elapsedMs = performance.now() - started;
  assert.ok(elapsedMs < AUTH_BUDGET_MS, `authentication took ${elapsedMs.toFixed(1)} ms (budget ${AUTH_BUDGET_MS} ms)`);
  if ('refused' in outcome) {
    assert.match(outcome.refused, /^AUTH_/, `refused with ${outcome.refused}`);
    assert.ok(outcome.status >= 400 && outcome.status < 500, `${outcome.refused} is a 4xx, not ${outcome.status}`);
  }
  return outcome;
}

function jwtConfig(): Pick<Config, 'auth' | 'jwtSecret' | 'jwtPublicKeyFile' | 'jwksUrl' | 'jwtAlgorithms' | 'jwtIssuer' | 'jwtAudience'> {
  return { auth: 'jwt', jwtSecret: SECRET, jwtPublicKeyFile: '', jwksUrl: '', jwtAlgorithms: [], jwtIssuer: '', jwtAudience: '' };
}

describe('the JWT authenticator under hostile Authorization headers', () => {
  it('answers a principal or an AUTH_* 4xx, within the budget', { timeout: testTimeout(5) }, async () => {
    const authenticate = createAuthenticator(jwtConfig());
    await fc.assert(
      fc.asyncProperty(authorization, async ({ value, signedWith }) => {
        const outcome = await authenticateOnce(authenticate, value);
        // Only a token signed with the server's own secret can ever pass.
        if (signedWith !== 'right-secret') assert.ok('refused' in outcome, `a token signed ${signedWith} was accepted`);
        // A second look (the token cache) gives the same answer.
        assert.deepEqual(await authenticateOnce(authenticate, value), outcome);
      }),
      fuzzParameters(),
    );
  });

  it('refuses alg none, other algorithms and forged signatures on otherwise valid claims', async () => {
    const authenticate = createAuthenticator(jwtConfig());
    const payload = base64url(JSON.stringify({ sub: 'alice', exp: NOW_SECONDS + 3600 }));
    const headerOf = (alg: string) => base64url(JSON.stringify({ alg, typ: 'JWT' }));
    const sign = (alg: string, hash: string, secret = SECRET) => {
      const input = `${headerOf(alg)}.${payload}`;
      return `${input}.${createHmac(hash, secret).update(input).digest('base64url')}`;
    };
    const valid = sign('HS256', 'sha256');
    assert.deepEqual(await authenticateOnce(authenticate, `Bearer ${valid}`), { principal: { owner: 'alice', admin: false } });
    for (const forged of [
      `${headerOf('none')}.${payload}.`,
      `${headerOf('none')}.${payload}`,
      sign('HS512', 'sha512'),
      sign('HS384', 'sha384'),
      sign('HS256', 'sha256', OTHER_SECRET),
      `${valid.slice(0, -2)}${valid.endsWith('AA') ? 'BB' : 'AA'}`,
    ]) {
      assert.deepEqual(await authenticateOnce(authenticate, `Bearer ${forged}`), { refused: 'AUTH_INVALID', status: 401 }, forged);
    }
  });
});

describe('/files with FERRY_AUTH=jwt under hostile Authorization headers (the real app)', () => {
  let ferry: Ferry;
  const APP_RUNS = Math.max(1, Math.round(FUZZ_RUNS / 2));

  before(async () => {
    // No auth-failure rate limit: every request here fails authentication, and the limit's 429 would hide the answer.
    const config = await makeTestConfig({ ...jwtConfig(), rateAuthFailuresPerMinute: 0 });
    ferry = createFerry(config, { logger: createLogger('silent') });
  });
  after(() => ferry.close());

  it('answers every request below 500; an unsigned or forged token is an AUTH_* JSON error', { timeout: testTimeout(20, APP_RUNS) }, async () => {
    await fc.assert(
      fc.asyncProperty(
        authorization,
        fc.constantFrom<{ method: string; path: string; headers: Record<string, string> }>(
          { method: 'POST', path: '/files/', headers: { 'Tus-Resumable': '1.0.0', 'Upload-Length': '5' } },
          { method: 'HEAD', path: '/files/0123456789abcdef0123456789abcdef', headers: { 'Tus-Resumable': '1.0.0' } },
          {
            method: 'PATCH',
            path: '/files/0123456789abcdef0123456789abcdef',
            headers: { 'Tus-Resumable': '1.0.0', 'Upload-Offset': '0', 'Content-Type': 'application/offset+octet-stream' },
          },
          { method: 'DELETE', path: '/files/0123456789abcdef0123456789abcdef', headers: { 'Tus-Resumable': '1.0.0' } },
          { method: 'GET', path: '/files/0123456789abcdef0123456789abcdef', headers: {} },
        ),
        async ({ value, signedWith }, { method, path, headers }) => {
          const response = await ferry.app.request(path, { method, headers: { ...headers, Authorization: asHeaderValue(value) } });
          const body = await response.text();
          assert.ok(response.status < 500, `${method} ${path}: ${response.status} ${body}`);
          if (signedWith === 'right-secret') return;
          assert.ok(response.status === 401, `${method} ${path} with a token signed ${signedWith}: ${response.status} ${body}`);
          if (method === 'HEAD') return;
          const code = (JSON.parse(body) as { error?: { code?: unknown } }).error?.code;
          assert.match(String(code), /^AUTH_/, body);
        },
      ),
      fuzzParameters({ numRuns: APP_RUNS, timeout: REQUEST_BUDGET_MS }),
    );
  });
});
