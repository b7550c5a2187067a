import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type FerryProcess, runFerry, spawnFerry } from '../support/ferry-process.js';
import { makeTempDir } from '../support/temp-dir.js';
import { downloadHash, uploadedUrl, writeRandomFile } from './upload-fixtures.js';

// runFerry passes this process's environment on: these cases need it without a FERRY_URL.
describe('ferry upload without --url', { skip: process.env.FERRY_URL !== undefined && 'FERRY_URL is set' }, () => {
  let ferry: FerryProcess;
  let work: string;

  before(async () => {
    work = await makeTempDir();
    ferry = await spawnFerry({ dataDir: path.join(work, 'data') });
  });
  after(async () => {
    ferry.child.kill('SIGTERM');
    await ferry.exited;
  });

  for (const host of ['127.0.0.1', '0.0.0.0']) {
    it(`uploads to the server FERRY_HOST=${host} and FERRY_PORT name, as ferry serve would listen`, async () => {
      const { file, hash } = await writeRandomFile(work, `default-${host}.bin`, 64 * 1024);
      const { code, stdout, stderr } = await runFerry(['upload', file], {
        FERRY_HOST: host,
        FERRY_PORT: String(ferry.port),
        FERRY_CACHE_DIR: path.join(work, 'cache'),
      });
      assert.equal(code, 0, stderr);
      const url = uploadedUrl(stdout, file);
      assert.match(url, new RegExp(`^http://127\\.0\\.0\\.1:${ferry.port}/files/[0-9a-f]{32}$`));
      assert.equal(await downloadHash(url), hash);
    });
  }

  it('prefers FERRY_URL to FERRY_HOST and FERRY_PORT', async () => {
    const { file } = await writeRandomFile(work, 'url-wins.bin', 1024);
    const { code, stdout, stderr } = await runFerry(['upload', file], {
      FERRY_URL: `${ferry.url}/files/`,
      FERRY_PORT: '9',
      FERRY_CACHE_DIR: path.join(work, 'cache'),
    });
    assert.equal(code, 0, stderr);
    assert.match(uploadedUrl(stdout, file), new RegExp(`^${ferry.url}/files/`));
  });

  it('exits 2 when FERRY_PORT cannot name a server (bad, or 0)', async () => {
    const { file } = await writeRandomFile(work, 'no-server.bin', 1024);
    for (const [port, message] of [
      ['eighty', /FERRY_PORT \(from FERRY_PORT\): .*eighty/],
      ['0', /FERRY_PORT is 0 \(a random port\): give the server's URL with --url/],
    ] as const) {
      const { code, stderr } = await runFerry(['upload', file], { FERRY_PORT: port });
      assert.equal(code, 2, stderr);
      assert.match(stderr, message);
    }
  });
});
