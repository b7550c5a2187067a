import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { after, test } from 'node:test';
import { createUpload, patch, startFerry, TUS } from '../http/harness.js';
import { makeTempDir } from '../support/temp-dir.js';

/** A 1 MiB tmpfs (root only); undefined where mounting is not permitted. */
async function smallFilesystem(): Promise<string | undefined> {
  const directory = await makeTempDir();
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', directory], { stdio: 'ignore' });
  } catch {
    return undefined;
  }
  after(() => execFileSync('umount', ['-l', directory], { stdio: 'ignore' }));
  return directory;
}

test('ENOSPC mid-PATCH never corrupts an upload: the offset is what the file holds, and a resume completes it', async (t) => {
  const mounted = await smallFilesystem();
  if (mounted === undefined) {
    t.skip('mount -t tmpfs is not permitted here');
    return;
  }
  // The guard is off: the write itself meets the full disk.
  const ferry = await startFerry({ dataDir: mounted, minFreeBytes: 0, sync: 'always' });
  const content = Buffer.alloc(1536 * 1024);
  for (let index = 0; index < content.length; index += 1) content[index] = (index * 31 + 7) % 251;
  const upload = await createUpload(ferry, { 'Upload-Length': String(content.length) });
  const failed = await patch(ferry, upload, 0, content);
  assert.equal(failed.status, 507, 'a full disk fails the PATCH with 507');
  assert.equal(failed.body.error.code, 'DISK_FULL');

  const head = await ferry.http().head(upload).set(TUS);
  const offset = Number(head.headers['upload-offset']);
  const id = upload.split('/').pop() as string;
  assert.equal(offset, (await stat(path.join(mounted, id))).size, 'HEAD reports the bytes really in the file');
  assert.ok(offset > 0 && offset < content.length);
  assert.equal(failed.headers['upload-offset'], String(offset), 'the 507 says how far it got');

  execFileSync('mount', ['-o', 'remount,size=4m', mounted], { stdio: 'ignore' });
  assert.equal((await patch(ferry, upload, offset, content.subarray(offset))).status, 204);
  const download = await ferry.http().get(upload).buffer(true);
  assert.ok(Buffer.from(download.body as Buffer).equals(content), 'the resumed upload has identical bytes');
});
