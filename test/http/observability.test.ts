import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createUpload, metadataHeader, OCTET, startFerry, TUS } from './harness.js';

const test = await startFerry();
const failing = await startFerry(
  {},
  {
    onUploadFinished: () => {
      throw new Error('import exploded at /srv/secret/path');
    },
  },
);

const SECRET_NAME = 'salaries-2026-secret.csv';
const AUTHORIZATION = 'Bearer s3cret-token';

/** The value of a sample line `name{labels} value` in Prometheus text, or undefined. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('health', () => {
  it('GET /healthz is 200 {status: ok}', async () => {
    const response = await test.http().get('/healthz');
    assert.equal(response.status, 200);
    assert.deepEqual(response.body, { status: 'ok' });
  });

  it('answers 503 JSON once shutting down', async () => {
    const other = await startFerry();
    other.ferry.setShuttingDown();
    const response = await other.http().get('/healthz');
    assert.equal(response.status, 503);
    assert.equal(response.headers['content-type'], 'application/json');
    assert.equal(response.body.error.code, 'HTTP_SHUTTING_DOWN');
  });
});

describe('metrics and access log after an upload', () => {
  it('/metrics and the log tell the story of one upload', async () => {
    const content = Buffer.alloc(3000, 1);
    const created = await test
      .http()
      .post('/files/')
      .set({
        ...TUS,
        'Upload-Length': String(content.length),
        'Upload-Metadata': metadataHeader({ filename: SECRET_NAME }),
        Authorization: AUTHORIZATION,
        'X-Request-Id': 'create-1',
      });
    assert.equal(created.status, 201);
    const uploadPath = created.headers.location as string;
    const id = uploadPath.split('/').pop();
    const first = await test
      .http()
      .patch(uploadPath)
      .set({ ...TUS, ...OCTET, 'Upload-Offset': '0', 'X-Request-Id': 'patch-1' })
      .send(content.subarray(0, 1000));
    assert.equal(first.status, 204);
    assert.equal(first.headers['x-request-id'], 'patch-1');
    const second = await test
      .http()
      .patch(uploadPath)
      .set({ ...TUS, ...OCTET, 'Upload-Offset': '1000', 'X-Request-Id': 'patch-2' })
      .send(content.subarray(1000));
    assert.equal(second.status, 204);
    const head = await test
      .http()
      .head(uploadPath)
      .set({ ...TUS, 'X-Request-Id': 'head-1' });
    assert.equal(head.status, 200);
    const doomed = await createUpload(test);
    assert.equal((await test.http().delete(doomed).set(TUS)).status, 204);
    assert.equal((await test.http().get('/nope').set('X-Request-Id', 'missing-1')).status, 404);
    const insane = await test.http().get('/healthz').set('X-Request-Id', 'has spaces and is "odd"');
    assert.match(insane.headers['x-request-id'] as string, /^[0-9a-f-]{36}$/);

    const scrape = await test.http().get('/metrics');
    assert.equal(scrape.status, 200);
    assert.match(scrape.headers['content-type'] as string, /^text\/plain; version=0\.0\.4/);
    const text = scrape.text;
    assert.equal(sample(text, 'ferry_http_requests_total{method="PATCH",status="204"}'), 2);
    assert.equal(sample(text, 'ferry_http_requests_total{method="POST",status="201"}'), 2);
    assert.equal(sample(text, 'ferry_http_request_duration_seconds_count{method="PATCH",status="204"}'), 2);
    assert.equal(sample(text, 'ferry_upload_bytes_received_total'), 3000);
    assert.equal(sample(text, 'ferry_store_bytes_written_total'), 3000);
    assert.equal(sample(text, 'ferry_uploads_created_total'), 2);
    assert.equal(sample(text, 'ferry_uploads_finished_total'), 1);
    assert.equal(sample(text, 'ferry_uploads_terminated_total'), 1);
    assert.ok((sample(text, 'ferry_fsync_duration_seconds_count') ?? 0) >= 1, 'an fsync before the upload was reported finished');
    for (const gauge of ['ferry_aggregator_queued_items', 'ferry_aggregator_waiting_writers', 'ferry_aggregator_queued_bytes']) {
      const value = sample(text, gauge);
      assert.ok(value !== undefined && value >= 0, gauge);
    }
    assert.ok((sample(text, 'process_cpu_user_seconds_total') ?? -1) >= 0, 'default process metrics');

    const byRequest = (requestId: string) => test.logs.filter((line) => line.requestId === requestId);
    for (const [requestId, method, status] of [
      ['create-1', 'POST', 201],
      ['patch-1', 'PATCH', 204],
      ['patch-2', 'PATCH', 204],
      ['head-1', 'HEAD', 200],
    ] as const) {
      const lines = byRequest(requestId);
      assert.equal(lines.length, 1, `one line for ${requestId}`);
      const [line] = lines;
      assert.equal(line.method, method);
      assert.equal(line.status, status);
      assert.equal(line.uploadId, id);
      assert.equal(line.route, method === 'POST' ? '/files/' : '/files/:id');
      assert.equal(typeof line.durationMs, 'number');
      assert.equal(line.msg, 'request completed');
    }
    assert.equal(byRequest('missing-1')[0].level, 30, 'a 4xx is logged at info');
    assert.equal(byRequest('patch-1')[0].bytesIn, 1000);
    assert.equal(byRequest('patch-2')[0].bytesIn, 2000);
    // Lines of no request (start-up recovery, the missed-imports scan) carry no request id.
    const requestIds = test.logs.map((line) => line.requestId).filter((requestId) => requestId !== undefined);
    assert.equal(new Set(requestIds).size, requestIds.length, 'one line per request');
    const everything = JSON.stringify(test.logs);
    for (const secret of [SECRET_NAME, Buffer.from(SECRET_NAME).toString('base64'), 's3cret-token']) {
      assert.ok(!everything.includes(secret), `${secret} is not logged`);
    }
  });
});

describe('5xx responses', () => {
  it('hide internals from the client and log the cause at error', async () => {
    const uploadPath = await createUpload(failing, { 'Upload-Length': '2' });
    const response = await failing
      .http()
      .patch(uploadPath)
      .set({ ...TUS, ...OCTET, 'Upload-Offset': '0', 'X-Request-Id': 'boom-1' })
      .send('ok');
    assert.equal(response.status, 500);
    assert.equal(response.headers['content-type'], 'application/json');
    assert.deepEqual(response.body, { error: { code: 'INTERNAL_ERROR', message: 'Internal server error.' } });
    const [line] = failing.logs.filter((candidate) => candidate.requestId === 'boom-1');
    assert.equal(line.level, 50);
    assert.equal(line.msg, 'request failed');
    assert.match(JSON.stringify(line.err), /import exploded/);
  });

  it('from a POST that finishes are JSON too', async () => {
    const response = await failing
      .http()
      .post('/files/')
      .set({ ...TUS, ...OCTET, 'Upload-Length': '2', 'X-Request-Id': 'boom-2' })
      .send('ok');
    assert.equal(response.status, 500);
    assert.deepEqual(response.body, { error: { code: 'INTERNAL_ERROR', message: 'Internal server error.' } });
    const [line] = failing.logs.filter((candidate) => candidate.requestId === 'boom-2');
    assert.equal(line.level, 50);
    assert.match(JSON.stringify(line.err), /import exploded/);
  });
});
