import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { ServerProcess } from '../server-process.js';
import { SERVER_SPECS, type ServerSpec } from '../server-specs.js';
import { type ClusterBenchOptions, instanceCount, type TopologyName, topologyLabel } from './options.js';
import { type ProxyProcess, startProxyProcess } from './proxy-process.js';

const READY_TIMEOUT_MS = 30_000;

/** Every topology's data dir not yet removed, so an exit or a signal can remove them all. */
const liveDataDirs = new Set<string>();

export function removeAllDataDirsNow(): void {
  for (const dataDir of liveDataDirs) rmSync(dataDir, { recursive: true, force: true });
  liveDataDirs.clear();
}

/** The ferry processes of one topology on one data directory, behind one round-robin proxy. */
export interface Topology {
  name: TopologyName;
  instances: ServerProcess[];
  proxy: ProxyProcess;
  dataDir: string;
  /** Stops the proxy and every instance, removes the data dir and the run's Redis keys. */
  stop: () => Promise<void>;
}

function instanceSpec(topology: TopologyName, index: number, env: Record<string, string>): ServerSpec {
  return { ...SERVER_SPECS.ferry, label: `${topologyLabel(topology)} #${index + 1}`, env };
}

/** The environment of every instance: cluster mode on a key prefix of this run alone, or plainly single. */
function clusterEnv(topology: TopologyName, options: ClusterBenchOptions, keyPrefix: string): Record<string, string> {
  if (topology === 'single') return { FERRY_REDIS_URL: '' };
  return {
    FERRY_REDIS_URL: options.redisUrl,
    FERRY_REDIS_KEY_PREFIX: keyPrefix,
    FERRY_DATABASE_URL: options.databaseUrl,
  };
}

/** Waits for GET /readyz to answer 200 (404: a ferry without the route, ready once it answers). */
async function waitUntilReady(instance: ServerProcess): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  let last = 'no answer';
  while (Date.now() < deadline) {
    const status = await fetch(new URL('/readyz', instance.baseUrl)).then(
      (response) => response.status,
      (error: unknown) => `${(error as Error).message}`,
    );
    if (status === 200 || status === 404) return;
    last = String(status);
    await sleep(100);
  }
  throw new Error(`${instance.spec.label} was not ready within ${READY_TIMEOUT_MS / 1000} s (GET /readyz: ${last})`);
}

/** Deletes every Redis key under the run's prefix (never FLUSHDB: other users share this Redis). */
async function deleteRedisKeys(redisUrl: string, keyPrefix: string): Promise<void> {
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
  try {
    for await (const keys of redis.scanStream({ match: `${keyPrefix}*`, count: 500 }) as AsyncIterable<string[]>) {
      if (keys.length > 0) await redis.del(...keys);
    }
  } finally {
    redis.disconnect();
  }
}

export async function startTopology(name: TopologyName, options: ClusterBenchOptions): Promise<Topology> {
  const dataDir = mkdtempSync(join(tmpdir(), `ferry-bench-${name}-`));
  liveDataDirs.add(dataDir);
  const keyPrefix = `ferry-bench-${randomUUID()}:`;
  const env = clusterEnv(name, options, keyPrefix);
  const instances: ServerProcess[] = [];
  let proxy: ProxyProcess | undefined;
  const stop = async (): Promise<void> => {
    await proxy?.stop();
    for (const instance of instances) await instance.stop();
    rmSync(dataDir, { recursive: true, force: true });
    liveDataDirs.delete(dataDir);
    if (name !== 'single') await deleteRedisKeys(options.redisUrl, keyPrefix);
  };
  try {
    for (let index = 0; index < instanceCount(name); index += 1) {
      instances.push(await ServerProcess.start(instanceSpec(name, index, { ...env, FERRY_INSTANCE_ID: `bench-${name}-${index + 1}` }), dataDir));
    }
    for (const instance of instances) await Promise.race([waitUntilReady(instance), instance.failure]);
    proxy = await startProxyProcess(instances.map((instance) => Number(new URL(instance.baseUrl).port)));
    return { name, instances, proxy, dataDir, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
