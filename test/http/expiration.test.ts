import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import { waitFor } from '../support/tus-requests.js';
import { createUpload, OCTET, startFerry, TUS } from './harness.js';

// One server's uploads expire 1 ms after creation and it never sweeps; the other's expire
// after 1 s and it sweeps every 20 ms. (The swept one's expiry outlasts a creation-with-upload
// request: an upload that expired before its first byte was written may rightly be swept.)
const unswept = await startFerry({ uploadExpiresMs: 1, expirySweepMs: 3_600_000 });
const swept = await startFerry({ uploadExpiresMs: 1000, expirySweepMs: 20 });

describe('expiration', () => {
  it('an expired unfinished upload is gone: 410 on HEAD and PATCH', async () => {
    const uploadPath = await createUpload(unswept, { 'Upload-Length': '10' });
    await waitFor('the upload to expire', async () => (await unswept.http().head(uploadPath).set(TUS)).status === 410);
    const response = await unswept
      .http()
      .patch(uploadPath)
      .set({ ...TUS, ...OCTET, 'Upload-Offset': '0' })
      .send('x');
    assert.equal(response.status, 410);
    assert.equal(response.headers['content-type'], 'application/json');
    assert.equal(JSON.parse(response.text).error.code, 'UPLOAD_GONE');
  });

  it('the sweep deletes expired unfinished uploads and keeps finished ones', async () => {
    // Finished in one request (creation-with-upload).
    const created = await swept
      .http()
      .post('/files/')
      .set({ ...TUS, ...OCTET, 'Upload-Length': '4' })
      .send('kept');
    assert.equal(created.status, 201);
    const finishedPath = created.headers.location as string;
    const unfinishedPath = await createUpload(swept, { 'Upload-Length': '10' });
    const finishedId = path.basename(finishedPath);
    const unfinishedId = path.basename(unfinishedPath);
    await waitFor(
      'the sweep to delete the unfinished upload',
      async () => !(await readdir(swept.config.dataDir)).some((name) => name.startsWith(unfinishedId)),
    );
    assert.deepEqual((await readdir(swept.config.dataDir)).sort(), [finishedId, `${finishedId}.json`]);
    const download = await fetch(`${swept.baseUrl}${finishedPath}`);
    assert.equal(download.status, 200);
    assert.equal(await download.text(), 'kept');
    assert.equal((await swept.http().head(unfinishedPath).set(TUS)).status, 404);
    const finishedHead = await swept.http().head(finishedPath).set(TUS);
    assert.equal(finishedHead.status, 200, 'a finished upload never expires, however old');
    assert.equal(finishedHead.headers['upload-offset'], '4');
    assert.equal(finishedHead.headers['upload-expires'], undefined);
  });
});
