import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type FerryProcess, runFerry, spawnFerry, startFerry } from '../support/ferry-process.js';
import { makeTempDir } from '../support/temp-dir.js';
import { headOffset } from '../support/tus-requests.js';
import { accessLines, downloadHash, MiB, resumeEntries, uploadedUrl, writeRandomFile } from './upload-fixtures.js';

const FILE_SIZE = 32 * MiB;
/** Small chunks make a loopback upload of FILE_SIZE take long enough (hundreds of PATCHes) to cut it mid-way. */
const CHUNK_SIZE = '64KiB';
/** A progress line past 0% (with its speed): the upload is under way, with bytes on the server. */
const UNDER_WAY = /\([1-9]\d?%\) \d/;

describe('ferry upload resumes after an interruption', () => {
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

  it('killed with SIGKILL mid-upload, the same command sends only the rest, and the bytes hash equal', async () => {
    const cacheDir = path.join(work, 'cache-kill');
    const { file, hash } = await writeRandomFile(work, 'killed.bin', FILE_SIZE);
    const args = ['upload', file, '--url', `${ferry.url}/files/`, '--chunk-size', CHUNK_SIZE];
    const first = startFerry(args, { FERRY_CACHE_DIR: cacheDir });
    await first.waitForLine(UNDER_WAY);
    first.child.kill('SIGKILL');
    assert.equal((await first.result).code, 'SIGKILL');

    const [stored] = await resumeEntries(cacheDir);
    assert.ok(stored, 'the resume state names the unfinished upload');
    const offset = await headOffset(stored.uploadUrl);
    assert.ok(offset > 0 && offset < FILE_SIZE, `the server has part of it: ${offset}`);

    const logged = ferry.lines.length;
    const second = await runFerry(args, { FERRY_CACHE_DIR: cacheDir });
    assert.equal(second.code, 0, second.stderr);
    assert.match(second.stdout, new RegExp(`^${file}: resuming at \\d+\\.\\d (?:KiB|MiB) / 32\\.0 MiB \\(\\d+%\\)$`, 'm'));
    const url = uploadedUrl(second.stdout, file);
    assert.equal(url, stored.uploadUrl, 'the same upload, not a new one');
    const requests = accessLines(ferry, logged);
    assert.deepEqual(
      requests.filter((line) => line.method === 'POST'),
      [],
      'no new upload was created',
    );
    assert.equal(requests.find((line) => line.method === 'HEAD')?.status, 200, 'it asked the server for the offset first');
    const sent = requests.filter((line) => line.method === 'PATCH').reduce((total, line) => total + line.bytesIn, 0);
    assert.equal(sent, FILE_SIZE - offset, 'the second run sent only the bytes the server did not have');
    assert.equal(await downloadHash(url), hash);
    assert.deepEqual(await resumeEntries(cacheDir), []);
  });

  it('on Ctrl-C (SIGINT): aborts, says how to resume, exits 130 and keeps the resume state', async () => {
    const cacheDir = path.join(work, 'cache-interrupt');
    const { file, hash } = await writeRandomFile(work, 'interrupted.bin', FILE_SIZE);
    const args = ['upload', file, '--url', `${ferry.url}/files/`, '--chunk-size', CHUNK_SIZE];
    const first = startFerry(args, { FERRY_CACHE_DIR: cacheDir });
    await first.waitForLine(UNDER_WAY);
    first.child.kill('SIGINT');
    const interrupted = await first.result;
    assert.equal(interrupted.code, 130);
    assert.equal(interrupted.stderr, 'ferry: upload interrupted; run the same command again to resume\n');
    assert.equal((await resumeEntries(cacheDir)).length, 1);

    const second = await runFerry(args, { FERRY_CACHE_DIR: cacheDir });
    assert.equal(second.code, 0, second.stderr);
    assert.match(second.stdout, /: resuming at /);
    assert.equal(await downloadHash(uploadedUrl(second.stdout, file)), hash);
    assert.deepEqual(await resumeEntries(cacheDir), []);
  });
});

describe('ferry upload when the server goes away mid-upload', () => {
  it('retries with backoff until the restarted server answers, and finishes with the same bytes', async () => {
    const work = await makeTempDir();
    const dataDir = path.join(work, 'data');
    const { file, hash } = await writeRandomFile(work, 'retried.bin', FILE_SIZE);
    const first = await spawnFerry({ dataDir });
    const command = startFerry(['upload', file, '--url', `${first.url}/files/`, '--chunk-size', CHUNK_SIZE], { FERRY_CACHE_DIR: path.join(work, 'cache') });
    let second: FerryProcess | undefined;
    try {
      await command.waitForLine(UNDER_WAY);
      first.child.kill('SIGKILL');
      await first.exited;
      second = await spawnFerry({ dataDir, port: first.port });
      const { code, stdout, stderr } = await command.result;
      assert.equal(code, 0, stderr);
      assert.match(stderr, new RegExp(`^ferry upload: ${file}: cannot reach ${first.url}/files/[0-9a-f]{32}: .+; retrying in \\d+\\.\\d s \\(1 of 5\\)$`, 'm'));
      assert.match(stdout, /: resuming at /);
      assert.equal(await downloadHash(uploadedUrl(stdout, file)), hash);
    } finally {
      command.child.kill('SIGKILL');
      second?.child.kill('SIGTERM');
      await second?.exited;
    }
  });
});
