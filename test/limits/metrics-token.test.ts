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

test('FERRY_METRICS_PORT: /metrics has a listener of its own (behind the token too), and the main port no longer serves it', async () => {
  const ferry = await startFerry({ metricsPort: 0, metricsHost: '127.0.0.1', metricsToken: 'metrics-secret', minFreeBytes: 0 });
  const address = ferry.ferry.metricsServer?.address();
  assert.ok(address !== null && typeof address === 'object');
  const metricsUrl = `http://127.0.0.1:${address.port}/metrics`;
  const scraped = await fetch(metricsUrl, { headers: { Authorization: 'Bearer metrics-secret' } });
  assert.equal(scraped.status, 200);
  assert.match(await scraped.text(), /ferry_/);
  assert.equal((await fetch(metricsUrl)).status, 401);
  assert.equal((await fetch(`http://127.0.0.1:${address.port}/files/`, { method: 'POST' })).status, 404);
  assert.equal((await ferry.http().get('/metrics').set('Authorization', 'Bearer metrics-secret')).status, 404);
});
