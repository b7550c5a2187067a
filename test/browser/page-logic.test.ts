import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatBytes, formatDelay, percentOf } from '../../client/src/format.js';
import { describeOutcome } from '../../client/src/import-report.js';
import { chunkSizeFrom } from '../../client/src/page-options.js';
import { createSpeedMeter } from '../../client/src/speed.js';
import type { ImportState } from '../../client/src/types.js';
import { describeRetry, describeUploadError, shouldRetry } from '../../client/src/upload-errors.js';

/** An error as tus-js-client reports a failed request: status 0 means no answer came. */
function requestError(status: number, body = '', headers: Record<string, string> = {}): Error {
  const response =
    status === 0
      ? null
      : {
          getStatus: () => status,
          getBody: () => body,
          getHeader: (name: string) => headers[name],
        };
  return Object.assign(new Error(`tus: request failed (${status})`), { originalRequest: {}, originalResponse: response, causingError: null });
}

const MiB = 1024 * 1024;

describe("the page's plain words (pure modules of client/src, run in Node)", () => {
  const uploadErrors: { name: string; error: Error; maxSize?: number; message: string; retry: boolean }[] = [
    {
      name: '413 with the limit known from OPTIONS',
      error: requestError(413, '{"error":{"code":"UPLOAD_TOO_LARGE","message":"The upload is larger than the server accepts (Tus-Max-Size)."}}'),
      maxSize: 10 * MiB,
      message: 'This file is larger than the server accepts (max 10 MiB).',
      retry: false,
    },
    {
      name: '413 carrying Tus-Max-Size',
      error: requestError(413, '', { 'Tus-Max-Size': String(5 * 1024 ** 3) }),
      message: 'This file is larger than the server accepts (max 5 GiB).',
      retry: false,
    },
    { name: '413 with no limit known', error: requestError(413), message: 'This file is larger than the server accepts.', retry: false },
    {
      name: 'no answer',
      error: requestError(0),
      message: 'The server cannot be reached. Check the connection, then press Resume to continue where the upload stopped.',
      retry: true,
    },
    {
      name: '401',
      error: requestError(401, '{"error":{"code":"AUTH_EXPIRED","message":"The token has expired."}}'),
      message: 'Sign in: your token is missing or expired. Paste a valid token under “Your token”. Then press Resume.',
      retry: false,
    },
    { name: '403', error: requestError(403), message: 'The server refused the upload: you are not allowed to upload here (403).', retry: false },
    {
      name: 'a JSON error',
      error: requestError(400, '{"error":{"code":"UPLOAD_METADATA_INVALID","message":"Upload-Metadata is malformed."}}'),
      message: 'The upload failed: Upload-Metadata is malformed.',
      retry: false,
    },
    {
      name: 'a 5xx without a JSON body',
      error: requestError(502, '<html>Bad Gateway</html>'),
      message: 'The upload failed: the server answered 502.',
      retry: true,
    },
    {
      name: '423 locked',
      error: requestError(423, '{"error":{"code":"UPLOAD_LOCKED","message":"Another request holds the lock on this upload."}}'),
      message: 'The upload failed: Another request holds the lock on this upload.',
      retry: true,
    },
    {
      name: 'not a request error',
      error: new Error('tus: no file or stream to upload provided'),
      message: 'The upload could not start: tus: no file or stream to upload provided',
      retry: false,
    },
  ];
  for (const { name, error, maxSize, message, retry } of uploadErrors) {
    it(`upload error: ${name}`, () => {
      assert.equal(describeUploadError(error, { maxSize }), message);
      assert.equal(shouldRetry(error), retry);
    });
  }

  it('says what it waits for while retrying', () => {
    assert.equal(describeRetry(requestError(0), 0, 1, 5), 'The server cannot be reached; retrying now… (attempt 1 of 5)');
    assert.equal(describeRetry(requestError(0), 3000, 3, 5), 'The server cannot be reached; retrying in 3 s… (attempt 3 of 5)');
    assert.equal(describeRetry(requestError(503), 1000, 2, 5), 'The server had a problem (503); retrying in 1 s… (attempt 2 of 5)');
    assert.equal(describeRetry(requestError(409), 1000, 2, 5), 'The server is still busy with this upload; retrying in 1 s… (attempt 2 of 5)');
  });

  it('formats sizes, percentages and delays', () => {
    const sizes: [number, string][] = [
      [0, '0 B'],
      [1023, '1023 B'],
      [1536, '1.5 KiB'],
      [3 * MiB, '3 MiB'],
      [12.34 * MiB, '12.3 MiB'],
      [150 * 1024 ** 3, '150 GiB'],
      [-1, '?'],
    ];
    for (const [bytes, text] of sizes) assert.equal(formatBytes(bytes), text, String(bytes));
    assert.equal(percentOf(0, 0), 100);
    assert.equal(percentOf(999, 1000), 99);
    assert.equal(percentOf(1000, 1000), 100);
    assert.equal(formatDelay(400), '0 s');
    assert.equal(formatDelay(90_000), '1 min 30 s');
  });

  it('reads ?chunkSize= (at least 1024 bytes; anything else: one request)', () => {
    const cases: [string, number][] = [
      ['', Infinity],
      ['?chunkSize=65536', 65536],
      ['?chunkSize=1023', Infinity],
      ['?chunkSize=1e6', Infinity],
      ['?chunkSize=-5', Infinity],
      ['?chunkSize=1024', 1024],
    ];
    for (const [search, size] of cases) assert.equal(chunkSizeFrom(search), size, search);
  });

  it('measures speed over a window of recent samples', () => {
    let now = 0;
    const meter = createSpeedMeter({ windowMs: 3000, now: () => now });
    assert.equal(meter.sample(0), undefined);
    now = 1000;
    assert.equal(meter.sample(MiB), MiB);
    now = 5000;
    assert.equal(meter.sample(2 * MiB), (MiB * 1000) / 4000);
    meter.reset();
    assert.equal(meter.sample(2 * MiB), undefined);
  });

  it('sums an import up in one sentence per mode and outcome', () => {
    const base: ImportState = {
      id: 'upload-x',
      uploadId: 'x',
      schema: 'cars',
      mode: 'all-or-nothing',
      status: 'succeeded',
      progress: { bytesRead: 10, bytesTotal: 10 },
      summary: {
        rowsRead: 4,
        rowsImported: 0,
        rowsFailed: 2,
        errorCount: 2,
        warningCount: 0,
        stoppedEarly: false,
        rejected: false,
        errorsByColumn: {},
        errorsByCode: {},
      },
    };
    const clean = { ...base.summary, rowsImported: 4, rowsFailed: 0, errorCount: 0 };
    assert.equal(describeOutcome(base), '2 rows of 4 have errors, so nothing was imported (all-or-nothing).');
    assert.equal(
      describeOutcome({ ...base, mode: 'skip-bad-rows', summary: { ...base.summary, rowsImported: 2 } }),
      '2 rows of 4 have errors: 2 good rows imported, the bad ones skipped.',
    );
    assert.equal(describeOutcome({ ...base, mode: 'validate' }), '2 rows of 4 have errors (validate mode: nothing was written).');
    assert.equal(describeOutcome({ ...base, summary: clean }), 'Imported 4 of 4 rows.');
    assert.equal(
      describeOutcome({ ...base, mode: 'validate', summary: { ...clean, rowsImported: 0 } }),
      'All 4 rows are valid (validate mode: nothing was written).',
    );
    assert.equal(
      describeOutcome({ ...base, summary: { ...base.summary, rowsFailed: 1, stoppedEarly: true } }),
      '1 row of 4 has errors, so nothing was imported (all-or-nothing). Reading stopped early: there were too many errors.',
    );
    assert.equal(
      describeOutcome({ ...base, status: 'failed', failure: { code: 'IMPORT_NOT_CSV', message: 'The upload is not a CSV file.' } }),
      'The import failed: The upload is not a CSV file.',
    );
  });
});
