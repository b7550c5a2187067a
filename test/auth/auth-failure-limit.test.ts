import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TUS } from '../http/harness.js';
import { bearer, OTHER_SECRET, secretKey, sign, startJwtFerry } from './auth-fixtures.js';

// The auth-failure limit (src/limits/auth-failures.ts) as authentication applies it: failed
// credentials from one address count, and past the limit that address is refused before its
// credential is read, good or not.
describe('FERRY_RATE_AUTH_FAILURES_PER_MINUTE on /files and /imports', async () => {
  const test = await startJwtFerry({ rateAuthFailuresPerMinute: 3 });
  const create = (headers: Record<string, string>) =>
    test
      .http()
      .post('/files/')
      .set({ ...TUS, 'Upload-Length': '1', ...headers });

  it('answers 401 up to the limit, then 429 with Retry-After even for a good token', async () => {
    const forged = await sign({}, { key: secretKey(OTHER_SECRET) });
    for (let failure = 1; failure <= 3; failure += 1) {
      const response = await create(bearer(forged));
      assert.equal(response.status, 401, `failure ${failure}`);
      assert.equal(response.body.error.code, 'AUTH_INVALID');
    }
    const refused = await create(bearer(forged));
    assert.equal(refused.status, 429);
    assert.equal(refused.body.error.code, 'RATE_AUTH_FAILURES');
    assert.match(String(refused.headers['retry-after']), /^\d+$/);

    const good = await create(bearer(await sign()));
    assert.equal(good.status, 429, 'the address stays refused for the rest of the window');
    const imports = await test
      .http()
      .get('/imports/x')
      .set(bearer(await sign()));
    assert.equal(imports.status, 429);
  });
});
