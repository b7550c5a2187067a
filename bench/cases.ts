import { execFileSync } from 'node:child_process';
import { setMaxListeners } from 'node:events';
import { Agent } from 'node:http';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { type ChecksumAlgorithm, chunkChecksums } from './checksums.js';
import { processCpuSeconds, type RssSummary, sampleRss } from './proc-stats.js';
import type { ServerProcess } from './server-process.js';
import type { ServerName } from './server-specs.js';
import { percentile } from './stats.js';
import { type ClientContext, createUpload, deleteUpload, headOffset, patchUpload, uploadId } from './tus-client.js';
import { removeStoredFiles, verifyStoredFile } from './verify.js';

const MiB = 1024 * 1024;
const CASE_TIMEOUT_MS = 10 * 60_000;
export const SMALL_SIZE = 10 * 1024;
export const SMALL_CONCURRENCY = 16;
export const CHECKSUM_CASE = 'chunks-1mib-checksum';

/** One upload of `size` bytes in PATCHes of `chunkSize` (undefined: a single PATCH). */
export interface LargeCase {
  kind: 'large';
  key: string;
  title: string;
  size: number;
  chunkSize: number | undefined;
  /** Every PATCH carries Upload-Checksum with this algorithm (tus checksum extension). */
  checksum?: ChecksumAlgorithm;
  /** Only these servers run the case (the others do not verify checksums); default all. */
  servers?: readonly ServerName[];
}

/** `count` uploads of 10 KiB, 16 at a time, each a POST then one PATCH. */
export interface SmallCase {
  kind: 'small';
  key: string;
  title: string;
  count: number;
}

export type BenchCase = LargeCase | SmallCase;

export interface Measurement {
  /** MiB/s for a large case, uploads/s for the small one. */
  throughput: number;
  wallSeconds: number;
  patchCount: number;
  patchP50Ms: number;
  patchP99Ms: number;
  serverCpuSeconds: number;
  clientCpuSeconds: number;
  rss: RssSummary;
}

interface Work {
  urls: URL[];
  patchLatenciesMs: number[];
}

export function formatBytes(bytes: number): string {
  for (const [unit, scale] of [
    ['GiB', 1024 ** 3],
    ['MiB', MiB],
    ['KiB', 1024],
  ] as const) {
    if (bytes >= scale && bytes % (scale / 1024) === 0) return `${Number((bytes / scale).toFixed(2))} ${unit}`;
  }
  return `${bytes} B`;
}

/** The cases in order; `checksum` adds the 1 MiB chunks case again, ferry only, with Upload-Checksum on every PATCH. */
export function benchCases(size: number, smallCount: number, checksum: ChecksumAlgorithm | undefined): BenchCase[] {
  const large = (key: string, chunkSize: number | undefined, how: string): LargeCase => ({
    kind: 'large',
    key,
    title: `${formatBytes(size)}, ${how}`,
    size,
    chunkSize,
  });
  return [
    large('one-patch', undefined, 'one PATCH'),
    large('chunks-8mib', 8 * MiB, '8 MiB chunks'),
    large('chunks-1mib', MiB, '1 MiB chunks'),
    ...(checksum === undefined
      ? []
      : [{ ...large(CHECKSUM_CASE, MiB, `1 MiB chunks, Upload-Checksum ${checksum}`), checksum, servers: ['ferry'] } satisfies LargeCase]),
    { kind: 'small', key: 'small-10kib', title: `${smallCount} × 10 KiB, ${SMALL_CONCURRENCY} concurrent`, count: smallCount },
  ];
}

/** `checksums`: the Upload-Checksum of each PATCH, in order (see chunkChecksums). */
async function uploadLarge(ctx: ClientContext, spec: LargeCase, checksums: readonly string[] | undefined): Promise<Work> {
  const url = await createUpload(ctx, spec.size);
  const chunk = spec.chunkSize ?? spec.size;
  const patchLatenciesMs: number[] = [];
  for (let offset = 0, index = 0; offset < spec.size; offset += chunk, index += 1) {
    const headers: Record<string, string> = checksums === undefined ? {} : { 'Upload-Checksum': checksums[index] };
    patchLatenciesMs.push(await patchUpload(ctx, url, offset, Math.min(chunk, spec.size - offset), headers));
  }
  return { urls: [url], patchLatenciesMs };
}

/** Whether `server` runs `spec` (a case may be limited to some servers). */
export function runsOn(spec: BenchCase, server: ServerName): boolean {
  return spec.kind === 'small' || spec.servers === undefined || spec.servers.includes(server);
}

async function uploadSmall(ctx: ClientContext, spec: SmallCase): Promise<Work> {
  const work: Work = { urls: [], patchLatenciesMs: [] };
  let started = 0;
  const worker = async (): Promise<void> => {
    while (started < spec.count && !ctx.signal.aborted) {
      started += 1;
      const url = await createUpload(ctx, SMALL_SIZE);
      work.urls.push(url);
      work.patchLatenciesMs.push(await patchUpload(ctx, url, 0, SMALL_SIZE));
    }
  };
  await Promise.all(Array.from({ length: Math.min(SMALL_CONCURRENCY, spec.count) }, worker));
  return work;
}

/** Checks what the server says and what it stored (outside the timed window). */
async function verify(ctx: ClientContext, server: ServerProcess, spec: BenchCase, urls: readonly URL[]): Promise<void> {
  if (spec.kind === 'large') {
    const offset = await headOffset(ctx, urls[0]);
    if (offset !== spec.size) throw new Error(`HEAD after the upload reports Upload-Offset ${offset}, expected ${spec.size}`);
    await verifyStoredFile(server.dataDir, uploadId(urls[0]), spec.size);
    return;
  }
  if (urls.length !== spec.count) throw new Error(`${urls.length} uploads finished, expected ${spec.count}`);
  for (const url of urls) await verifyStoredFile(server.dataDir, uploadId(url), SMALL_SIZE);
}

/** Deletes the case's uploads, flushes the page cache to disk and lets the machine settle. */
async function cleanUp(ctx: ClientContext, server: ServerProcess, spec: BenchCase, urls: readonly URL[]): Promise<void> {
  if (spec.kind === 'large') await deleteUpload(ctx, urls[0]);
  await removeStoredFiles(server.dataDir, urls.map(uploadId));
  execFileSync('sync');
  await sleep(300);
}

/** Runs one case against one server, measures it, verifies and removes what it stored. */
export async function runCase(server: ServerProcess, spec: BenchCase): Promise<Measurement> {
  const agent = new Agent({ keepAlive: true, maxSockets: SMALL_CONCURRENCY });
  const ctx: ClientContext = {
    baseUrl: server.baseUrl,
    agent,
    signal: AbortSignal.timeout(CASE_TIMEOUT_MS),
    headers: server.spec.clientHeaders ?? {},
  };
  // Every request in flight listens on the case deadline.
  setMaxListeners(4 * SMALL_CONCURRENCY, ctx.signal);
  const where = `${spec.title} on ${server.spec.label}`;
  let rss: ReturnType<typeof sampleRss> | undefined;
  try {
    const checksums = spec.kind === 'large' && spec.checksum !== undefined ? chunkChecksums(spec.checksum, spec.size, spec.chunkSize ?? spec.size) : undefined;
    const serverCpuBefore = processCpuSeconds(server.pid);
    const clientCpuBefore = process.cpuUsage();
    rss = sampleRss(server.pid);
    const started = performance.now();
    const work = await Promise.race([spec.kind === 'large' ? uploadLarge(ctx, spec, checksums) : uploadSmall(ctx, spec), server.failure]);
    const wallSeconds = (performance.now() - started) / 1000;
    const clientCpu = process.cpuUsage(clientCpuBefore);
    const serverCpuSeconds = processCpuSeconds(server.pid) - serverCpuBefore;
    const rssSummary = rss.stop();
    await verify(ctx, server, spec, work.urls);
    await cleanUp(ctx, server, spec, work.urls);
    return {
      throughput: spec.kind === 'large' ? spec.size / MiB / wallSeconds : spec.count / wallSeconds,
      wallSeconds,
      patchCount: work.patchLatenciesMs.length,
      patchP50Ms: percentile(work.patchLatenciesMs, 50),
      patchP99Ms: percentile(work.patchLatenciesMs, 99),
      serverCpuSeconds,
      clientCpuSeconds: (clientCpu.user + clientCpu.system) / 1e6,
      rss: rssSummary,
    };
  } catch (error) {
    const reason = ctx.signal.aborted ? `did not finish within ${CASE_TIMEOUT_MS / 1000} s` : (error as Error).message;
    throw new Error(`${where}: ${reason}`, { cause: error });
  } finally {
    rss?.stop();
    agent.destroy();
  }
}
