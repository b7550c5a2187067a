import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Hono } from 'hono';
import { ANONYMOUS } from '../../src/auth/principal.js';
import type { AppEnv } from '../../src/http/context.js';
import { createErrorHook } from '../../src/http/error-hook.js';
import { createRateLimit } from '../../src/http/middleware/rate-limit.js';
import { createRequestLimits } from '../../src/limits/request-limits.js';
import { subjectOf } from '../../src/limits/subject.js';

test('subjectOf: the owner when there is one, else the client IP; the two never collide', () => {
  assert.equal(subjectOf({ owner: 'alice', admin: false }, '192.0.2.1'), 'owner:alice');
  assert.equal(subjectOf(ANONYMOUS, '192.0.2.1'), 'ip:192.0.2.1');
  assert.notEqual(subjectOf({ owner: '192.0.2.1', admin: false }, '192.0.2.9'), subjectOf(ANONYMOUS, '192.0.2.1'));
});

test('the rate limit counts per owner once authentication names one', async () => {
  const app = new Hono<AppEnv>();
  app.onError(createErrorHook());
  const limits = createRequestLimits({ createsPerMinute: 0, requestsPerSecond: 1, concurrentPatches: 0, requestWindowMs: 60_000 });
  app.use('/imports', createRateLimit({ limits, isUnfinished: () => false, principalOf: (c) => ({ owner: c.req.header('X-Owner'), admin: false }) }));
  app.get('/imports', (c) => c.text('ok'));
  const as = (owner: string) => app.request('/imports', { headers: { 'X-Owner': owner } });
  assert.equal((await as('alice')).status, 200);
  const refused = await as('alice');
  assert.equal(refused.status, 429);
  assert.equal(refused.headers.get('Retry-After') !== null, true);
  assert.equal((await as('bob')).status, 200);
});
