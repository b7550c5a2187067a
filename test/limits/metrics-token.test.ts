import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startFerry } from '../http/harness.js';

test('FERRY_METRICS_TOKEN: /metrics answers only with Authorization: Bearer <token>', async () => {
  const ferry = await startFerry({ metricsToken: 'metrics-secret', minFreeBytes: 0 });
  const cases: Array<[string | undefined, number]> = [
    [undefined, 401],
    ['Bearer wrong', 401],
    ['Bearer metrics-secret-and-more', 401],
    ['Basic bWV0cmljcy1zZWNyZXQ=', 401],
    ['Bearer metrics-secret', 200],
    ['bearer  metrics-secret', 200],
  ];
  for (const [authorization, status] of cases) {
    const pending = ferry.http().get('/metrics');
    const response = await (authorization === undefined ? pending : pending.set('Authorization', authorization));
    assert.equal(response.status, status, String(authorization));
    if (status === 401) {
      assert.equal(response.body.error.code, 'METRICS_AUTH_REQUIRED');
      assert.equal(response.headers['www-authenticate'], 'Bearer realm="metrics"');
    } else {
      assert.match(response.text, /ferry_/);
    }
  }
});

test('without a metrics token /metrics stays open', async () => {
  const ferry = await startFerry({ minFreeBytes: 0 });
  assert.equal((await ferry.http().get('/metrics')).status, 200);
});
