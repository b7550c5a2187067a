import { setMaxListeners } from 'node:events';
import { Agent } from 'node:http';
import { performance } from 'node:perf_hooks';
import { processCpuSeconds } from '../proc-stats.js';
import { type ClientContext, createUpload, deleteUpload, headOffset, patchUpload, uploadId } from '../tus-client.js';
import { removeStoredFiles, verifyStoredFile } from '../verify.js';
import { combine, type Histogram, histogramQuantile, parseHistogram } from './histogram.js';
import { CHUNK_SIZE } from './options.js';
import type { Topology } from './topology.js';

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;
const LOAD_TIMEOUT_MS = 10 * 60_000;
/** The lock helper's histogram (seconds from asking for an upload's lock to holding it). */
export const LOCK_METRIC = 'ferry_lock_acquire_seconds';

export interface LoadMeasurement {
  /** All clients' bytes ÷ wall time. */
  throughputMiBs: number;
  wallSeconds: number;
  /** Server CPU (user + system) summed over the instances, per GiB uploaded. */
  serverCpuSecondsPerGiB: number;
  clientCpuSeconds: number;
  /** The round-robin proxy's CPU over the load (it shares the machine's cores with the servers). */
  proxyCpuSeconds: number;
  /** undefined when an instance's /metrics has no ferry_lock_acquire_seconds. */
  lockP50Ms: number | undefined;
  lockP99Ms: number | undefined;
}

/**
 * Every request on a fresh connection (no keep-alive), so the round-robin proxy sends
 * consecutive requests of one upload to different instances.
 */
function context(baseUrl: string, signal: AbortSignal): ClientContext {
  return { baseUrl, agent: new Agent({ keepAlive: false, maxSockets: Number.POSITIVE_INFINITY }), signal, headers: {} };
}

async function lockHistogram(topology: Topology): Promise<Histogram | undefined> {
  let total: Histogram | undefined;
  for (const instance of topology.instances) {
    const response = await fetch(new URL('/metrics', instance.baseUrl));
    const histogram = response.ok ? parseHistogram(await response.text(), LOCK_METRIC) : undefined;
    if (histogram === undefined) return undefined;
    total = total === undefined ? histogram : combine(total, histogram);
  }
  return total;
}

function serverCpuSeconds(topology: Topology): number {
  return topology.instances.reduce((sum, instance) => sum + processCpuSeconds(instance.pid), 0);
}

async function uploadOne(ctx: ClientContext, size: number): Promise<URL> {
  const url = await createUpload(ctx, size);
  for (let offset = 0; offset < size; offset += CHUNK_SIZE) await patchUpload(ctx, url, offset, Math.min(CHUNK_SIZE, size - offset));
  return url;
}

/** Outside the timed window: every upload reports its full offset and holds the payload on disk; then it is deleted. */
async function verifyAndRemove(ctx: ClientContext, topology: Topology, urls: readonly URL[], size: number): Promise<void> {
  for (const url of urls) {
    const offset = await headOffset(ctx, url);
    if (offset !== size) throw new Error(`HEAD ${url.pathname} reports Upload-Offset ${offset}, expected ${size}`);
    await verifyStoredFile(topology.dataDir, uploadId(url), size);
    await deleteUpload(ctx, url);
  }
  await removeStoredFiles(topology.dataDir, urls.map(uploadId));
}

/** `clients` concurrent uploads of `size` bytes each, in 1 MiB PATCHes, through the topology's proxy. */
export async function runLoad(topology: Topology, clients: number, size: number): Promise<LoadMeasurement> {
  const ctx = context(topology.proxy.url, AbortSignal.timeout(LOAD_TIMEOUT_MS));
  setMaxListeners(4 * clients, ctx.signal);
  const failures = topology.instances.map((instance) => instance.failure);
  try {
    const locksBefore = await lockHistogram(topology);
    const cpuBefore = serverCpuSeconds(topology);
    const clientBefore = process.cpuUsage();
    const proxyBefore = processCpuSeconds(topology.proxy.pid);
    const started = performance.now();
    const urls = await Promise.race([Promise.all(Array.from({ length: clients }, () => uploadOne(ctx, size))), ...failures]);
    const wallSeconds = (performance.now() - started) / 1000;
    const client = process.cpuUsage(clientBefore);
    const cpuSeconds = serverCpuSeconds(topology) - cpuBefore;
    const proxyCpuSeconds = processCpuSeconds(topology.proxy.pid) - proxyBefore;
    const locksAfter = await lockHistogram(topology);
    await verifyAndRemove(ctx, topology, urls, size);
    const locks = locksBefore === undefined || locksAfter === undefined ? undefined : combine(locksAfter, locksBefore, -1);
    const bytes = clients * size;
    return {
      throughputMiBs: bytes / MiB / wallSeconds,
      wallSeconds,
      serverCpuSecondsPerGiB: cpuSeconds / (bytes / GiB),
      clientCpuSeconds: (client.user + client.system) / 1e6,
      proxyCpuSeconds,
      lockP50Ms: locks === undefined ? undefined : histogramQuantile(locks, 0.5) * 1000,
      lockP99Ms: locks === undefined ? undefined : histogramQuantile(locks, 0.99) * 1000,
    };
  } finally {
    ctx.agent.destroy();
  }
}
