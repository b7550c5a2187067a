import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import * as tus from 'tus-js-client';
import { spawnFerry } from '../support/ferry-process.js';
import { makeTempDir } from '../support/temp-dir.js';
import { headOffset } from '../support/tus-requests.js';

const MiB = 1024 * 1024;
const FILE_SIZE = 24 * MiB;

describe('a ferry process killed with SIGKILL mid-upload', () => {
  it('restarts on the same data dir, and the client resumes from HEAD to identical bytes', async () => {
    const workDir = await makeTempDir();
    const dataDir = path.join(workDir, 'data');
    const file = path.join(workDir, 'source.bin');
    const source = randomBytes(FILE_SIZE);
    await writeFile(file, source);
    const storage = new tus.FileUrlStorage(path.join(workDir, 'urls.json'));

    const first = await spawnFerry({ dataDir });
    const uploadUrl = await new Promise<string>((resolve, reject) => {
      let killed = false;
      const upload = new tus.Upload(createReadStream(file), {
        endpoint: `${first.url}/files/`,
        chunkSize: MiB,
        retryDelays: [],
        urlStorage: storage,
        onProgress(bytesSent) {
          if (!killed && bytesSent >= FILE_SIZE / 3) {
            killed = true;
            first.child.kill('SIGKILL');
          }
        },
        onError: () => resolve(upload.url!),
        onSuccess: () => reject(new Error('the upload finished before the server was killed')),
      });
      upload.start();
    });
    assert.equal(await first.exited, 'SIGKILL');

    const second = await spawnFerry({ dataDir, port: first.port });
    try {
      const offsetAfterCrash = await headOffset(uploadUrl);
      assert.ok(offsetAfterCrash > 0 && offsetAfterCrash < FILE_SIZE, `offset after the crash: ${offsetAfterCrash}`);

      await new Promise<void>((resolve, reject) => {
        const upload = new tus.Upload(createReadStream(file), {
          endpoint: `${second.url}/files/`,
          chunkSize: MiB,
          retryDelays: [],
          urlStorage: storage,
          onSuccess: () => resolve(),
          onError: reject,
        });
        upload.findPreviousUploads().then((previous) => {
          assert.equal(previous.length, 1);
          upload.resumeFromPreviousUpload(previous[0]);
          upload.start();
        }, reject);
      });
      const download = Buffer.from(await (await fetch(uploadUrl)).arrayBuffer());
      assert.equal(createHash('sha256').update(download).digest('hex'), createHash('sha256').update(source).digest('hex'));
    } finally {
      second.child.kill('SIGTERM');
      await second.exited;
    }
  });
});
