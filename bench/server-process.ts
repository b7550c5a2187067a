import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { type ServerSpec, TUS_PATH } from './server-specs.js';

const HOST = '127.0.0.1';
const START_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 5_000;
const OUTPUT_TAIL_CHARS = 4_000;

/** Every server still running, so an exit, a signal or an error can kill them all. */
const live = new Set<ServerProcess>();

/** A server under test: a child process with its own port and temporary data directory. */
export class ServerProcess {
  readonly baseUrl: string;
  readonly pid: number;
  /** Rejects if the child exits before stop(); race it against work to fail fast. */
  readonly failure: Promise<never>;
  private readonly exited: Promise<void>;
  private outputTail = '';
  private stopping = false;
  /** False for a data directory shared with other servers: its owner removes it. */
  private ownsDataDir = true;

  private constructor(
    readonly spec: ServerSpec,
    readonly dataDir: string,
    port: number,
    private readonly child: ChildProcess,
  ) {
    this.pid = child.pid ?? -1;
    this.baseUrl = `http://${HOST}:${port}`;
    const keepTail = (chunk: Buffer): void => {
      this.outputTail = (this.outputTail + chunk.toString()).slice(-OUTPUT_TAIL_CHARS);
    };
    child.stdout?.on('data', keepTail);
    child.stderr?.on('data', keepTail);
    child.stdin?.on('error', () => undefined);
    child.on('error', (error) => keepTail(Buffer.from(`spawn error: ${error.message}\n`)));
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
    this.failure = new Promise<never>((_, reject) => {
      child.once('exit', (code, signal) => {
        live.delete(this);
        if (!this.stopping) reject(new Error(`${spec.label} exited unexpectedly (code ${code}, signal ${signal})${this.describeOutput()}`));
      });
    });
    this.failure.catch(() => undefined);
    live.add(this);
  }

  /**
   * Spawns the server on a free port and waits until it answers HTTP. Its data directory is a
   * fresh temporary one, removed at stop, unless `sharedDataDir` (several servers on one
   * directory, left to the caller) is given.
   */
  static async start(spec: ServerSpec, sharedDataDir?: string): Promise<ServerProcess> {
    const port = await findFreePort();
    const dataDir = sharedDataDir ?? mkdtempSync(join(tmpdir(), `ferry-bench-${spec.name}-`));
    const child = spawn(process.execPath, spec.nodeArgs(HOST, port, dataDir), {
      cwd: spec.cwd,
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, NODE_ENV: 'production', ...spec.env },
    });
    const server = new ServerProcess(spec, dataDir, port, child);
    server.ownsDataDir = sharedDataDir === undefined;
    if (child.pid === undefined) {
      await server.stop();
      throw new Error(`${spec.label}: could not spawn ${process.execPath}`);
    }
    await Promise.race([server.waitUntilAnswering(), server.failure]).catch(async (error: unknown) => {
      await server.stop();
      throw error;
    });
    return server;
  }

  private async waitUntilAnswering(): Promise<void> {
    const deadline = Date.now() + START_TIMEOUT_MS;
    while (Date.now() < deadline) {
      if (await answers(this.baseUrl)) return;
      await sleep(100);
    }
    throw new Error(`${this.spec.label} did not answer on ${this.baseUrl} within ${START_TIMEOUT_MS / 1000} s${this.describeOutput()}`);
  }

  private describeOutput(): string {
    const tail = this.outputTail.trim();
    return tail === '' ? ' (no output)' : `; its last output:\n${tail}`;
  }

  /** SIGTERM, then SIGKILL if it lingers; removes the data directory (its own). */
  async stop(): Promise<void> {
    this.stopping = true;
    if (this.child.exitCode === null && this.child.signalCode === null) {
      this.child.stdin?.end();
      this.child.kill('SIGTERM');
      const timer = setTimeout(() => this.child.kill('SIGKILL'), STOP_TIMEOUT_MS);
      await this.exited;
      clearTimeout(timer);
    }
    live.delete(this);
    this.removeDataDir();
  }

  /** Synchronous last resort for exit and signal handlers. */
  killNow(): void {
    this.stopping = true;
    this.child.kill('SIGKILL');
    this.removeDataDir();
  }

  private removeDataDir(): void {
    if (this.ownsDataDir) rmSync(this.dataDir, { recursive: true, force: true });
  }
}

export function killAllServersNow(): void {
  for (const server of live) server.killNow();
  live.clear();
}

async function findFreePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve, reject) => probe.once('error', reject).listen(0, HOST, resolve));
  const address = probe.address();
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('could not find a free port');
  return address.port;
}

/** True when anything answers an OPTIONS request on the tus path. */
function answers(baseUrl: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request(new URL(TUS_PATH, baseUrl), { method: 'OPTIONS', agent: false, timeout: 1_000 }, (res) => {
      res.resume();
      resolve(true);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
    req.end();
  });
}
