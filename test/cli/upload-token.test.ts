import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type FerryProcess, runFerry, spawnFerry } from '../support/ferry-process.js';
import { makeTempDir } from '../support/temp-dir.js';
import { REPO } from './cli-fixtures.js';
import { downloadWithLink, headStatus, JWT_ENV, tokenFor } from './jwt-server.js';
import { MiB, sha256, uploadedUrl, writeRandomFile } from './upload-fixtures.js';

const GOOD_CARS =
  'Car;MPG;Cylinders;Displacement;Horsepower;Weight;Acceleration;Model;Origin\nSTRING;DOUBLE;INT;DOUBLE;DOUBLE;DOUBLE;DOUBLE;INT;CAT\nFord Torino;17.0;8;302.0;140.0;3449.;10.5;70;US\n';

describe('ferry upload --token against a ferry with FERRY_AUTH=jwt', () => {
  let ferry: FerryProcess;
  let work: string;
  let endpoint: string;
  let alice: string;
  let bob: string;
  const upload = (args: string[], env: Record<string, string> = {}) =>
    runFerry(['upload', ...args, '--url', endpoint], { FERRY_CACHE_DIR: path.join(work, 'cache'), FERRY_TOKEN: '', ...env });

  before(async () => {
    work = await makeTempDir();
    ferry = await spawnFerry({ dataDir: path.join(work, 'data'), args: ['--schemas-dir', path.join(REPO, 'schemas')], env: JWT_ENV });
    endpoint = `${ferry.url}/files/`;
    alice = await tokenFor('alice');
    bob = await tokenFor('bob');
  });
  after(async () => {
    ferry.child.kill('SIGTERM');
    await ferry.exited;
  });

  it('uploads with --token: the upload is the token owner’s, the bytes are equal, the token is never printed', async () => {
    const { file, hash } = await writeRandomFile(work, 'flag.bin', MiB);
    const { code, stdout, stderr } = await upload([file, '--token', alice, '--chunk-size', '256KiB']);
    assert.equal(code, 0, stderr);
    const url = uploadedUrl(stdout, file);
    assert.equal(await headStatus(url, alice), 200);
    assert.equal(await headStatus(url, bob), 404, "another owner's token does not see it");
    assert.equal(sha256(await downloadWithLink(url, alice)), hash);
    assert.ok(!`${stdout}${stderr}`.includes(alice), 'the token is not printed');
  });

  it('takes the token from FERRY_TOKEN, also for the import it waits for', async () => {
    const file = path.join(work, 'cars.csv');
    await writeFile(file, GOOD_CARS);
    const { code, stdout, stderr } = await upload([file, '--schema', 'cars'], { FERRY_TOKEN: bob });
    assert.equal(code, 0, stderr);
    assert.match(stdout, /rows: +1 read, 1 imported, 0 failed/);
    const url = uploadedUrl(stdout, file);
    assert.equal(await headStatus(url, bob), 200);
    assert.equal(await headStatus(url, alice), 404);
    assert.ok(!`${stdout}${stderr}`.includes(bob), 'the token is not printed');
  });

  const refusals: { name: string; token: () => Promise<string | undefined>; code: RegExp }[] = [
    { name: 'no token', token: async () => undefined, code: /401 AUTH_REQUIRED/ },
    { name: 'a forged token', token: async () => `${alice.slice(0, -4)}AAAA`, code: /401 AUTH_INVALID/ },
    { name: 'an expired token', token: () => tokenFor('alice', -120), code: /401 AUTH_EXPIRED/ },
  ];
  for (const refusal of refusals) {
    it(`refuses ${refusal.name}: one line on stderr, exit 1, the token not printed`, async () => {
      const { file } = await writeRandomFile(work, 'refused.bin', 1024);
      const token = await refusal.token();
      const { code, stdout, stderr } = await upload(token === undefined ? [file] : [file, '--token', token]);
      assert.equal(code, 1, stderr);
      const lines = stderr.trimEnd().split('\n');
      assert.equal(lines.length, 1, stderr);
      assert.match(lines[0]!, refusal.code);
      assert.match(lines[0]!, /give one with --token or FERRY_TOKEN/);
      if (token !== undefined) assert.ok(!`${stdout}${stderr}`.includes(token), 'the token is not printed');
    });
  }

  it('refuses a token that cannot be a header value before contacting the server (exit 2, not quoted)', async () => {
    const { file } = await writeRandomFile(work, 'spaced.bin', 1024);
    const { code, stderr } = await upload([file, '--token', 'secret value']);
    assert.equal(code, 2, stderr);
    assert.match(stderr, /--token: a token is one word of printable ASCII/);
    assert.ok(!stderr.includes('secret value'));
  });
});
