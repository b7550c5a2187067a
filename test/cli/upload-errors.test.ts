import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import { runFerry, spawnFerry } from '../support/ferry-process.js';
import { makeTempDir } from '../support/temp-dir.js';

interface UsageCase {
  name: string;
  /** The arguments after `ferry upload`, given a file that exists and a directory. */
  args: (paths: { file: string; directory: string }) => string[];
  stderr: RegExp;
}

const CASES: UsageCase[] = [
  { name: 'an unknown flag', args: ({ file }) => [file, '--bogus'], stderr: /unknown flag --bogus/ },
  { name: 'no file', args: () => ['--parallel', '2'], stderr: /missing the file to upload/ },
  { name: 'a missing file', args: ({ directory }) => [path.join(directory, 'missing.csv')], stderr: /cannot read .*missing\.csv: no such file/ },
  { name: 'a directory', args: ({ file, directory }) => [file, directory], stderr: /cannot read .*: not a regular file/ },
  {
    name: 'bad sizes and counts',
    args: ({ file }) => [file, '--chunk-size', '0', '--parallel', 'many'],
    stderr: /--chunk-size: must be at least 1 byte; --parallel: "many" is not a whole number/,
  },
  {
    name: 'a URL that is not http',
    args: ({ file }) => [file, '--url', 'ftp://example.com/files/'],
    stderr: /--url: "ftp:\/\/example\.com\/files\/" is not an http\(s\) URL/,
  },
  { name: '--mode without --schema', args: ({ file }) => [file, '--mode', 'validate'], stderr: /--mode needs --schema/ },
];

/** A loopback port nothing listens on (it was free a moment ago). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('ferry upload: clear one-line failures and their exit codes', () => {
  let work: string;
  let file: string;

  before(async () => {
    work = await makeTempDir();
    file = path.join(work, 'data.csv');
    await writeFile(file, 'a,b\n1,2\n'.repeat(200));
    await mkdir(path.join(work, 'folder'));
  });

  for (const usageCase of CASES) {
    it(`exits 2 for ${usageCase.name}, before contacting any server`, async () => {
      const { code, stdout, stderr } = await runFerry(['upload', ...usageCase.args({ file, directory: path.join(work, 'folder') })], {
        FERRY_URL: 'http://127.0.0.1:9/files/',
      });
      assert.equal(code, 2, stderr);
      assert.equal(stdout, '');
      assert.match(stderr, /^ferry upload: [^\n]+\n$/, 'one line, no stack');
      assert.match(stderr, usageCase.stderr);
    });
  }

  it('exits 3 at once when nothing listens at the URL (FERRY_URL), naming it and the reason', async () => {
    const url = `http://127.0.0.1:${await closedPort()}/files/`;
    const { code, stderr } = await runFerry(['upload', file], { FERRY_URL: url, FERRY_CACHE_DIR: path.join(work, 'cache') });
    assert.equal(code, 3);
    assert.equal(stderr, `ferry upload: ${file}: cannot reach ${url}: connect ECONNREFUSED 127.0.0.1:${new URL(url).port}\n`);
  });

  it("exits 1 with the server's error code and message when it refuses the upload (413)", async () => {
    const ferry = await spawnFerry({ dataDir: path.join(work, 'data'), args: ['--max-size', '1000'] });
    try {
      const { code, stdout, stderr } = await runFerry(['upload', file, '--url', `${ferry.url}/files/`], { FERRY_CACHE_DIR: path.join(work, 'cache') });
      assert.equal(code, 1);
      assert.equal(stdout, '');
      assert.equal(
        stderr,
        `ferry upload: ${file}: the server refused the upload: 413 UPLOAD_TOO_LARGE: The upload is larger than the server accepts (Tus-Max-Size).\n`,
      );
    } finally {
      ferry.child.kill('SIGTERM');
      await ferry.exited;
    }
  });

  it('ferry upload --help lists the flags, the resume state and the exit codes; ferry --help names the command', async () => {
    const { code, stdout } = await runFerry(['upload', '--help']);
    assert.equal(code, 0);
    for (const flag of ['--url', '--schema', '--mode', '--chunk-size', '--parallel', '--json']) assert.match(stdout, new RegExp(`^  ${flag} `, 'm'));
    for (const exitCode of [0, 1, 2, 3, 130]) assert.match(stdout, new RegExp(`^  ${exitCode} `, 'm'));
    assert.match(stdout, /FERRY_CACHE_DIR/);
    const top = await runFerry(['--help']);
    assert.match(top.stdout, /^ {2}ferry upload <file>\.\.\. /m);
  });
});
