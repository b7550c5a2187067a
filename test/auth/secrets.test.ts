import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadConfig } from '../../src/config/load-config.js';
import { createLogger } from '../../src/logging/logger.js';
import { TUS } from '../http/harness.js';
import { bearer, OTHER_SECRET, SECRET, secretKey, sign, startJwtFerry } from './auth-fixtures.js';

const test = await startJwtFerry();

describe('no token, cookie or secret in a log line or an error body', () => {
  it('requests with good, expired, forged and malformed tokens and a cookie leave none of them in the logs or bodies', async () => {
    const good = await sign();
    const expired = await sign({}, { expiresIn: -3600 });
    const forged = await sign({}, { key: secretKey(OTHER_SECRET) });
    const malformed = 'Zm9vYmFy-not-a-token-but-a-secret-all-the-same';
    const cookie = 'session=cookie-value-that-must-not-be-logged';
    const bodies: string[] = [];
    for (const token of [good, expired, forged, malformed]) {
      const response = await test
        .http()
        .post('/files/')
        .set({ ...TUS, ...bearer(token), Cookie: cookie, 'Upload-Length': '3' });
      bodies.push(response.text);
      const imports = await test
        .http()
        .get('/imports/nothing')
        .set({ ...bearer(token), Cookie: cookie });
      bodies.push(imports.text);
    }
    assert.ok(
      test.logs.some((line) => line.msg === 'request completed' && line.status === 401),
      'the refused requests were logged',
    );
    const logged = JSON.stringify(test.logs);
    for (const secret of [good, expired, forged, malformed, cookie, SECRET]) {
      assert.ok(!logged.includes(secret), `the logs do not hold ${secret.slice(0, 12)}…`);
      assert.ok(!bodies.some((body) => body.includes(secret)), `no body holds ${secret.slice(0, 12)}…`);
      // Not even a part of a token: its signature alone is a secret worth keeping.
      const signature = secret.split('.')[2];
      if (signature !== undefined && signature.length > 10) assert.ok(!logged.includes(signature));
    }
  });

  it('the logger blanks Authorization and Cookie wherever a header object is logged', () => {
    const lines: string[] = [];
    const logger = createLogger('info', { write: (line: string) => void lines.push(line) });
    logger.info({ headers: { authorization: 'Bearer abc.def.ghi', cookie: 'a=b' }, request: { headers: { authorization: 'Bearer abc.def.ghi' } } }, 'x');
    assert.doesNotMatch(lines.join(''), /abc\.def\.ghi|a=b/);
  });

  it('a bad secret or key file is reported without quoting the secret', () => {
    const secret = 'short-but-secret';
    assert.throws(
      () => loadConfig([], { FERRY_AUTH: 'jwt', FERRY_JWT_SECRET: secret }),
      (error: Error) => !error.message.includes(secret) && /FERRY_JWT_SECRET.*at least 32 bytes/.test(error.message),
    );
  });
});
