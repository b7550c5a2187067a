import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as tus from 'tus-js-client';
import { type FerryProcess, spawnFerry } from '../support/ferry-process.js';
import { makeTempDir } from '../support/temp-dir.js';
import { runTusUpload, stopFerry } from '../support/tus-js-client-run.js';
import { downloadWithLink, headStatus, JWT_ENV, tokenFor } from './jwt-server.js';
import { sha256 } from './upload-fixtures.js';

const SIZE = 1024 * 1024 + 7;

describe('tus-js-client in Node against a ferry with FERRY_AUTH=jwt', () => {
  let ferry: FerryProcess;
  let work: string;
  let file: string;
  let source: Buffer;
  let endpoint: string;

  before(async () => {
    work = await makeTempDir();
    ferry = await spawnFerry({ dataDir: path.join(work, 'data'), env: JWT_ENV });
    endpoint = `${ferry.url}/files/`;
    source = randomBytes(SIZE);
    file = path.join(work, 'source.bin');
    await writeFile(file, source);
  });
  after(() => stopFerry(ferry));

  it("uploads with the token in `headers`, resumes with it, and the upload is the token's owner's", async () => {
    const token = await tokenFor('carol');
    const options = {
      endpoint,
      file,
      fileSize: SIZE,
      chunkSize: 128 * 1024,
      storage: path.join(work, 'urls.json'),
      upload: { headers: { Authorization: `Bearer ${token}` } },
    };
    const first = await runTusUpload({ ...options, stopAt: 0.4 });
    assert.equal(first.aborted, true);
    const resumed = await runTusUpload({ ...options, resume: true });
    assert.equal(resumed.url, first.url);
    assert.equal(sha256(await downloadWithLink(resumed.url, token)), sha256(source));
    assert.equal(await headStatus(resumed.url, await tokenFor('dave')), 404);
  });

  it('is refused without a token: 401 AUTH_REQUIRED with a Bearer challenge, and tus-js-client does not retry it', async () => {
    const error = await runTusUpload({
      endpoint,
      file,
      fileSize: SIZE,
      chunkSize: SIZE,
      storage: path.join(work, 'anonymous.json'),
      upload: { retryDelays: [0, 10] },
    }).then(
      () => assert.fail('the upload succeeded without a token'),
      (failure: unknown) => failure,
    );
    assert.ok(error instanceof tus.DetailedError);
    const response = error.originalResponse;
    assert.equal(response?.getStatus(), 401);
    assert.equal((JSON.parse(response.getBody()) as { error: { code: string } }).error.code, 'AUTH_REQUIRED');
    assert.match(response.getHeader('WWW-Authenticate') ?? '', /^Bearer realm="ferry"/);
  });
});
