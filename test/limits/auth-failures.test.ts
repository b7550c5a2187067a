import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isAppError } from '../../src/errors/app-error.js';
import { createAuthFailureLimit } from '../../src/limits/auth-failures.js';
import { rateLimitedHeaders } from '../../src/limits/index.js';

test('failed authentication is limited per IP: after the limit the address is refused (429) until the window ends', async () => {
  const limit = createAuthFailureLimit({ perMinute: 3, windowMs: 300 });
  for (let failure = 0; failure < 3; failure += 1) {
    await limit.checkAuthFailures('192.0.2.1');
    await limit.recordAuthFailure('192.0.2.1');
  }
  const refusal = await limit.checkAuthFailures('192.0.2.1').then(
    () => undefined,
    (error: unknown) => error,
  );
  assert.ok(isAppError(refusal, 'RATE_AUTH_FAILURES'));
  assert.equal(refusal.status, 429);
  assert.deepEqual(rateLimitedHeaders(refusal.details ?? {}), {
    'Retry-After': '1',
    'RateLimit-Policy': '"auth-failures";q=3;w=1',
    RateLimit: '"auth-failures";r=0;t=1',
  });
  // Another address is not held back.
  await limit.checkAuthFailures('192.0.2.2');

  const deadline = Date.now() + 5000;
  let allowed = false;
  while (!allowed && Date.now() < deadline) {
    allowed = await limit.checkAuthFailures('192.0.2.1').then(
      () => true,
      () => false,
    );
    if (!allowed) await new Promise((resolve) => setImmediate(resolve));
  }
  assert.ok(allowed, 'the address is let through once the window has ended');
});

test('FERRY_RATE_AUTH_FAILURES_PER_MINUTE=0 turns the limit off', async () => {
  const limit = createAuthFailureLimit({ perMinute: 0 });
  for (let failure = 0; failure < 100; failure += 1) await limit.recordAuthFailure('192.0.2.1');
  await limit.checkAuthFailures('192.0.2.1');
});
