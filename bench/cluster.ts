import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { readCommandLine } from './arg-parsers.js';
import { formatBytes } from './cases.js';
import { measureHandover } from './cluster/handover.js';
import { runLoad } from './cluster/load.js';
import { type ClusterBenchOptions, parseOptions, type TopologyName, topologyLabel, USAGE } from './cluster/options.js';
import { killAllProxiesNow } from './cluster/proxy-process.js';
import { ClusterResults, type RunMeasurement, renderJson, renderMarkdown } from './cluster/report.js';
import { removeAllDataDirsNow, startTopology } from './cluster/topology.js';
import { killAllServersNow } from './server-process.js';
import { REPO_ROOT } from './server-specs.js';

/**
 * The cluster benchmark: one ferry process without Redis against 1, 2 and 3 instances in
 * cluster mode, each topology behind the same round-robin TCP proxy, all on this machine.
 * Each topology starts afresh in every run (its own data dir and Redis key prefix) and
 * stops before the next. Progress goes to stderr, the Markdown report to stdout.
 * See bench/README.md.
 */

const MiB = 1024 * 1024;
const WARM_UP_BYTES = 4 * MiB;

function progress(text: string): void {
  process.stderr.write(`${text}\n`);
}

function summary(m: RunMeasurement): string {
  const lock = m.lockP50Ms === undefined || m.lockP99Ms === undefined ? 'lock n/a' : `lock p50 ${m.lockP50Ms.toFixed(2)} ms, p99 ${m.lockP99Ms.toFixed(2)} ms`;
  return `${m.throughputMiBs.toFixed(1)} MiB/s, ${lock}, server CPU ${m.serverCpuSecondsPerGiB.toFixed(2)} s/GiB, handover ${m.handover.milliseconds.toFixed(0)} ms (${m.handover.path}), ${m.wallSeconds.toFixed(1)} s`;
}

/** Names the topology and the phase that failed, so an ECONNRESET says where it came from. */
function failedIn(name: TopologyName, phase: string): (error: unknown) => never {
  return (error) => {
    throw new Error(`${topologyLabel(name)}, ${phase}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  };
}

/** Starts the topology, warms it up (JIT), measures the load and the handover, stops it. */
async function runTopology(name: TopologyName, options: ClusterBenchOptions): Promise<RunMeasurement> {
  const topology = await startTopology(name, options).catch(failedIn(name, 'start'));
  try {
    await runLoad(topology, options.clients, Math.min(options.size, WARM_UP_BYTES)).catch(failedIn(name, 'warm-up'));
    const load = await runLoad(topology, options.clients, options.size).catch(failedIn(name, 'load'));
    const handover = await measureHandover(topology).catch(failedIn(name, 'handover'));
    return { ...load, handover };
  } finally {
    await topology.stop();
  }
}

async function measure(options: ClusterBenchOptions, loadBefore: number): Promise<ClusterResults> {
  const results = new ClusterResults(options, loadBefore);
  const { topologies } = options;
  for (let run = 0; run < options.runs; run += 1) {
    // Rotate who goes first, so no topology always follows the same neighbour.
    const order = topologies.map((_, index) => topologies[(index + run) % topologies.length]);
    for (const name of order) {
      progress(`[run ${run + 1}/${options.runs}] ${topologyLabel(name)}: starting…`);
      const measurement = await runTopology(name, options);
      results.add(name, measurement);
      progress(`[run ${run + 1}/${options.runs}] ${topologyLabel(name)}: ${summary(measurement)}`);
    }
  }
  return results;
}

async function main(): Promise<number> {
  const options = readCommandLine(parseOptions, USAGE);
  if (typeof options === 'number') return options;
  progress('building ferry (npm run build)…');
  const build = spawnSync('npm', ['run', 'build'], { cwd: REPO_ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  if (build.status !== 0) {
    process.stderr.write('bench: npm run build failed\n');
    return 1;
  }
  progress(`${options.clients} clients × ${formatBytes(options.size)} per topology and run: ${options.topologies.map(topologyLabel).join(', ')}`);
  const results = await measure(options, loadavg()[0]);
  process.stdout.write(renderMarkdown(results));
  if (options.jsonPath !== undefined) writeFileSync(options.jsonPath, renderJson(results));
  return 0;
}

function killEverythingNow(): void {
  killAllProxiesNow();
  killAllServersNow();
  removeAllDataDirsNow();
}

process.on('exit', killEverythingNow);
for (const [signal, code] of [
  ['SIGINT', 130],
  ['SIGTERM', 143],
] as const) {
  process.once(signal, () => {
    progress(`bench: ${signal}, stopping the servers`);
    killEverythingNow();
    process.exit(code);
  });
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    progress(`bench failed: ${error instanceof Error ? error.message : String(error)}`);
    killEverythingNow();
    process.exit(1);
  },
);
