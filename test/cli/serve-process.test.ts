import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { after, before, describe, it } from 'node:test';
import { runFerry } from '../support/ferry-process.js';
import { makeTempDir } from '../support/temp-dir.js';
import { REPO } from './cli-fixtures.js';

const MAIN = path.join(REPO, 'src/main.ts');

/** A ferry process with its stdout and stderr lines, to wait on as they come. */
interface ServeProcess {
  child: ChildProcess;
  stdout: string[];
  stderr: string[];
  /** The first line of `stream` matching `pattern` (one printed already, or the next); rejects if the process ends first. */
  waitForLine(stream: 'stdout' | 'stderr', pattern: RegExp): Promise<string>;
  exited: Promise<unknown>;
}

function startServe(command: string, args: string[], options: { detached?: boolean } = {}): ServeProcess {
  const child = spawn(command, args, { env: { ...process.env, FERRY_LOG_LEVEL: 'info' }, stdio: ['ignore', 'pipe', 'pipe'], detached: options.detached });
  const lines = { stdout: [] as string[], stderr: [] as string[] };
  const readers = { stdout: createInterface({ input: child.stdout! }), stderr: createInterface({ input: child.stderr! }) };
  readers.stdout.on('line', (line) => lines.stdout.push(line));
  readers.stderr.on('line', (line) => lines.stderr.push(line));
  const exited = once(child, 'close');
  return {
    child,
    ...lines,
    exited,
    waitForLine(stream, pattern) {
      return new Promise((resolve, reject) => {
        const seen = lines[stream].find((line) => pattern.test(line));
        if (seen !== undefined) return resolve(seen);
        const onLine = (line: string): void => {
          if (!pattern.test(line)) return;
          readers[stream].off('line', onLine);
          resolve(line);
        };
        readers[stream].on('line', onLine);
        exited.then(() =>
          reject(new Error(`ferry ended before a ${stream} line matching ${pattern}:\n${lines.stdout.join('\n')}\n${lines.stderr.join('\n')}`)),
        );
      });
    },
  };
}

async function occupiedPort(): Promise<{ server: Server; port: number }> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as { port: number }).port };
}

describe('ferry --version', () => {
  for (const flag of ['--version', '-v']) {
    it(`${flag} prints the package version and exits 0`, async () => {
      const { version } = JSON.parse(await readFile(path.join(REPO, 'package.json'), 'utf8')) as { version: string };
      const { code, stdout, stderr } = await runFerry([flag]);
      assert.equal(code, 0, stderr);
      assert.equal(stdout, `${version}\n`);
      assert.equal(stderr, '');
    });
  }
});

describe('ferry serve as a real process', () => {
  let work: string;
  let busy: { server: Server; port: number };

  before(async () => {
    work = await makeTempDir();
    busy = await occupiedPort();
  });
  after(() => new Promise((resolve) => busy.server.close(resolve)));

  it('on a busy port: one line on stderr, no stack trace, exit 2', async () => {
    const { code, stdout, stderr } = await runFerry(['serve', '--port', String(busy.port), '--data-dir', path.join(work, 'busy')]);
    assert.equal(code, 2, stderr);
    assert.equal(
      stderr,
      `ferry: cannot listen on 127.0.0.1:${busy.port}: the port is already in use (another ferry, or another program); choose another with --port or FERRY_PORT (EADDRINUSE)\n`,
    );
    assert.doesNotMatch(stdout, /"level":50|    at /);
  });

  it('says where the page is in one human line on stderr, and logs JSON lines on a pipe', async () => {
    const ferry = startServe(process.execPath, ['--import', 'tsx', MAIN, '--port', '0', '--host', '0.0.0.0', '--data-dir', path.join(work, 'human')]);
    try {
      const human = await ferry.waitForLine('stderr', /^ferry listening on /);
      const listening = JSON.parse(await ferry.waitForLine('stdout', /"msg":"listening"/)) as { url: string };
      const port = new URL(listening.url).port;
      // Bound to every interface, the page is reached on loopback.
      assert.equal(human, `ferry listening on http://127.0.0.1:${port} — open it in a browser (tus endpoint http://127.0.0.1:${port}/files/)`);
      const page = await fetch(`http://127.0.0.1:${port}/healthz`);
      assert.equal(page.status, 200);
      for (const line of ferry.stdout) assert.doesNotThrow(() => JSON.parse(line), line);
    } finally {
      ferry.child.kill('SIGTERM');
      await ferry.exited;
    }
  });

  it('logs readable lines, not JSON, when stdout is a terminal', {
    skip: !existsSync('/usr/bin/script') && 'needs util-linux script for a pseudo-terminal',
  }, async () => {
    // util-linux `script` runs ferry on a pseudo-terminal; its output comes back through our pipe.
    const command = [process.execPath, '--import', 'tsx', MAIN, '--port', '0', '--data-dir', path.join(work, 'tty')].map((word) => `'${word}'`).join(' ');
    const ferry = startServe('script', ['-qfec', command, '/dev/null'], { detached: true });
    try {
      const line = await ferry.waitForLine('stdout', /listening/);
      assert.doesNotMatch(line, /^\s*\{/);
      assert.match(line, /INFO/);
      assert.match(line, /url.*http:\/\/127\.0\.0\.1:\d+/);
    } finally {
      // The whole group: script and the ferry it runs.
      process.kill(-ferry.child.pid!, 'SIGTERM');
      await ferry.exited;
    }
  });
});
