import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { Redis } from 'ioredis';
import type { SchemaDefinition } from '../../../src/csv/types.js';
import { makeTempDir } from '../../support/temp-dir.js';
import { waitFor } from '../../support/tus-requests.js';
import { cleanUpAtEnd, killOnExit } from './child-processes.js';
import { type RoundRobinProxy, startRoundRobinProxy } from './round-robin-proxy.js';

const REPO_ROOT = path.resolve(import.meta.dirname, '../../..');
const MAIN = path.join(REPO_ROOT, 'src/main.ts');
const STOP_GRACE_MS = 5_000;

export const TEST_REDIS_URL = 'redis://127.0.0.1:6379';
export const TEST_DATABASE_URL = process.env.FERRY_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** One pino line of an instance; `msg` is the constant message. */
export interface LogEntry {
  msg?: string;
  [field: string]: unknown;
}

/** One `ferry serve` child process; restarting gives the same id and port a new process. */
export interface FerryInstance {
  /** FERRY_INSTANCE_ID: a, b, c, … */
  id: string;
  port: number;
  /** http://127.0.0.1:<port>, to talk to this instance directly (past the proxy). */
  url: string;
  pid: number;
  /** Every JSON log line of every process this instance has had, in order. */
  logs: LogEntry[];
  /** The raw stdout and stderr text of the current process, for failure messages. */
  output(): string;
  /** Sends a signal (SIGSTOP, SIGCONT, …) without waiting. */
  signal(signal: NodeJS.Signals): void;
  /** Sends `signal` and resolves once the process has ended (SIGCONT first, so a stopped process can die). */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** True while the current process has not exited. */
  running(): boolean;
}

export interface FerryClusterOptions {
  /** How many instances: ids a, b, c, … (3 unless told). */
  count?: number;
  /** Redis URL (FERRY_REDIS_URL); null runs every instance in single-process mode, with no Redis. */
  redisUrl?: string | null;
  /** Schemas written to FERRY_SCHEMAS_DIR. */
  schemas?: SchemaDefinition[];
  /** Further FERRY_* settings for every instance, over the cluster defaults. */
  env?: Record<string, string>;
}

/** N ferry processes on one data dir, behind a round-robin TCP proxy. */
export interface FerryCluster {
  instances: FerryInstance[];
  proxy: RoundRobinProxy;
  /** The proxy's tus endpoint: `<proxy>/files/`. */
  endpoint: string;
  dataDir: string;
  /** FERRY_REDIS_KEY_PREFIX, unique to this cluster. */
  keyPrefix: string;
  instance(id: string): FerryInstance;
  /** Resolves with the first log entry (of the first instance in order) that `predicate` accepts, logged before or after the call. */
  waitForLog(
    predicate: (entry: LogEntry, instance: FerryInstance) => boolean,
    options?: { timeoutMs?: number },
  ): Promise<{ entry: LogEntry; instance: FerryInstance }>;
  /** Log entries with this `msg`, counted per instance id. */
  countLogs(msg: string): Record<string, number>;
  /** The instance id that holds the lock of upload `uploadId` in Redis now, or undefined. */
  lockHolder(uploadId: string): Promise<string | undefined>;
  /** Waits until no instance holds the lock of `uploadId` (a request's release may come after its answer). */
  waitForLockFree(uploadId: string): Promise<void>;
  /** Waits until some instance (or `expected`) holds the lock of `uploadId`, and resolves with its id. */
  waitForLockHolder(uploadId: string, expected?: string): Promise<string>;
  /** Starts a new process for `id` (after a kill) on the same port, and waits until it listens. */
  restart(id: string): Promise<FerryInstance>;
  /** Ends every process (SIGCONT, SIGTERM, then SIGKILL after a grace), the proxy and the Redis client; also run when the test file ends. */
  stopAll(): Promise<void>;
}

interface InstanceProcess {
  child: ChildProcess;
  exited: Promise<void>;
  output: string;
}

/** Starts `count` instances (in parallel), waits until each listens, then puts the proxy in front. */
export async function startFerryCluster(options: FerryClusterOptions = {}): Promise<FerryCluster> {
  const { count = 3, redisUrl = TEST_REDIS_URL, schemas = [], env = {} } = options;
  const workDir = await makeTempDir('ferry-cluster-');
  const dataDir = path.join(workDir, 'data');
  const schemasDir = path.join(workDir, 'schemas');
  await mkdir(dataDir);
  await mkdir(schemasDir);
  await Promise.all(schemas.map((schema) => writeFile(path.join(schemasDir, `${schema.name}.json`), JSON.stringify(schema))));
  const keyPrefix = `ferry-test-${randomUUID()}:`;
  const sharedEnv: Record<string, string> = {
    FERRY_HOST: '127.0.0.1',
    FERRY_DATA_DIR: dataDir,
    FERRY_SCHEMAS_DIR: schemasDir,
    FERRY_DATABASE_URL: TEST_DATABASE_URL,
    FERRY_REDIS_KEY_PREFIX: keyPrefix,
    FERRY_LOCK_LEASE_MS: '2000',
    FERRY_IMPORT_JOB_LEASE_MS: '2000',
    FERRY_LOG_LEVEL: 'info',
    FERRY_SHUTDOWN_TIMEOUT_MS: '2000',
    ...(redisUrl === null ? {} : { FERRY_REDIS_URL: redisUrl }),
    ...env,
  };

  const ids = Array.from({ length: count }, (_, index) => String.fromCharCode(97 + index));
  const current = new Map<string, InstanceProcess>();
  const instances: FerryInstance[] = [];

  async function launch(id: string, port: number, logs: LogEntry[]): Promise<{ process: InstanceProcess; port: number }> {
    const child = spawn(process.execPath, ['--import', 'tsx', MAIN, 'serve'], {
      cwd: REPO_ROOT,
      env: { ...process.env, ...sharedEnv, FERRY_INSTANCE_ID: id, FERRY_PORT: String(port) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    killOnExit(child);
    const started: InstanceProcess = { child, output: '', exited: Promise.resolve() };
    started.exited = once(child, 'exit').then(() => undefined);
    child.stderr!.on('data', (chunk: Buffer) => {
      started.output += chunk.toString();
    });
    const listening = new Promise<number>((resolve, reject) => {
      createInterface({ input: child.stdout! }).on('line', (line) => {
        started.output += `${line}\n`;
        const entry = parseEntry(line);
        if (entry === undefined) return;
        logs.push(entry);
        if (entry.msg === 'listening' && typeof entry.url === 'string') resolve(Number(new URL(entry.url).port));
      });
      started.exited.then(() => reject(new Error(`ferry ${id} exited before listening:\n${started.output}`)));
    });
    return { process: started, port: await listening };
  }

  function makeInstance(id: string, port: number, logs: LogEntry[]): FerryInstance {
    const processOf = (): InstanceProcess => current.get(id)!;
    return {
      id,
      port,
      url: `http://127.0.0.1:${port}`,
      get pid() {
        return processOf().child.pid!;
      },
      logs,
      output: () => processOf().output,
      signal: (signal) => {
        processOf().child.kill(signal);
      },
      async kill(signal = 'SIGTERM') {
        const { child, exited } = processOf();
        if (child.exitCode !== null || child.signalCode !== null) return;
        child.kill('SIGCONT');
        child.kill(signal);
        await exited;
      },
      running: () => {
        const { child } = processOf();
        return child.exitCode === null && child.signalCode === null;
      },
    };
  }

  const redis = redisUrl === null ? undefined : new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  // A test may stop its Redis on purpose; a lock look-up then fails, which is enough said.
  redis?.on('error', () => undefined);
  let proxy: RoundRobinProxy | undefined;

  async function stopAll(): Promise<void> {
    await Promise.all(
      [...current.values()].map(async ({ child, exited }) => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        child.kill('SIGCONT');
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
        await exited;
        clearTimeout(timer);
      }),
    );
    await proxy?.close();
    redis?.disconnect();
  }

  cleanUpAtEnd(stopAll);
  try {
    const started = await Promise.allSettled(
      ids.map(async (id) => {
        const logs: LogEntry[] = [];
        const launched = await launch(id, 0, logs);
        current.set(id, launched.process);
        return makeInstance(id, launched.port, logs);
      }),
    );
    for (const result of started) if (result.status === 'fulfilled') instances.push(result.value);
    const failed = started.find((result) => result.status === 'rejected');
    if (failed !== undefined) throw failed.reason;
    proxy = await startRoundRobinProxy(instances.map((instance) => instance.port));
  } catch (error) {
    // Instances that did start must not outlive a failed start.
    await stopAll();
    throw error;
  }

  async function lockHolder(uploadId: string): Promise<string | undefined> {
    if (redis === undefined) throw new Error('this cluster runs without Redis');
    if (redis.status === 'wait') await redis.connect();
    const value = await redis.get(`${keyPrefix}lock:${uploadId}`);
    return value === null ? undefined : value.split('/')[0];
  }

  const instanceById = (id: string): FerryInstance => {
    const found = instances.find((instance) => instance.id === id);
    if (found === undefined) throw new Error(`no instance ${id}`);
    return found;
  };

  return {
    instances,
    proxy,
    endpoint: `${proxy.url}/files/`,
    dataDir,
    keyPrefix,
    instance: instanceById,
    async waitForLog(predicate, { timeoutMs = 10_000 } = {}) {
      let found: { entry: LogEntry; instance: FerryInstance } | undefined;
      await waitFor(
        `a log line (${predicate.toString().slice(0, 120)})`,
        () => {
          for (const instance of instances) {
            const entry = instance.logs.find((candidate) => predicate(candidate, instance));
            if (entry === undefined) continue;
            found = { entry, instance };
            return true;
          }
          return false;
        },
        timeoutMs,
      );
      return found!;
    },
    countLogs(msg) {
      return Object.fromEntries(instances.map((instance) => [instance.id, instance.logs.filter((entry) => entry.msg === msg).length]));
    },
    lockHolder,
    async waitForLockFree(uploadId) {
      await waitFor(`the lock of ${uploadId} to be free`, async () => (await lockHolder(uploadId)) === undefined);
    },
    async waitForLockHolder(uploadId, expected) {
      let holder: string | undefined;
      await waitFor(`${expected ?? 'an instance'} to hold the lock of ${uploadId}`, async () => {
        holder = await lockHolder(uploadId);
        return holder !== undefined && (expected === undefined || holder === expected);
      });
      return holder!;
    },
    async restart(id) {
      const instance = instanceById(id);
      if (instance.running()) throw new Error(`instance ${id} is still running`);
      const launched = await launch(id, instance.port, instance.logs);
      current.set(id, launched.process);
      return instance;
    },
    stopAll,
  };
}

function parseEntry(line: string): LogEntry | undefined {
  try {
    const parsed: unknown = JSON.parse(line);
    return typeof parsed === 'object' && parsed !== null ? (parsed as LogEntry) : undefined;
  } catch {
    return undefined;
  }
}
