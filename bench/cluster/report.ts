import { cpus } from 'node:os';
import { formatBytes } from '../cases.js';
import { median } from '../stats.js';
import { num, type Target, targetJson, targetRow } from '../targets.js';
import type { HandoverMeasurement } from './handover.js';
import type { LoadMeasurement } from './load.js';
import { type ClusterBenchOptions, type TopologyName, topologyLabel } from './options.js';

export type RunMeasurement = LoadMeasurement & { handover: HandoverMeasurement };

/** The goal of the issue: cluster mode costs at most 10% against one process, through the same proxy. */
const CLUSTER_COST_GOAL = 0.9;

/** Every run of every topology; run i of each topology ran in the same pass, so ratios pair them. */
export class ClusterResults {
  private readonly cells = new Map<TopologyName, RunMeasurement[]>();

  /** `loadBefore`: the 1-minute load average before any server started. */
  constructor(
    readonly options: ClusterBenchOptions,
    readonly loadBefore: number,
  ) {}

  add(topology: TopologyName, measurement: RunMeasurement): void {
    this.cells.set(topology, [...(this.cells.get(topology) ?? []), measurement]);
  }

  runs(topology: TopologyName): readonly RunMeasurement[] {
    return this.cells.get(topology) ?? [];
  }
}

/** Median of the defined values; undefined when every run lacked it (the metric is missing). */
function medianOf(runs: readonly RunMeasurement[], pick: (run: RunMeasurement) => number | undefined): number | undefined {
  const values = runs.map(pick).filter((value): value is number => value !== undefined);
  return values.length === 0 ? undefined : median(values);
}

/** Median over runs of cluster × 1 ÷ single process, paired within each run. */
function costRatio(results: ClusterResults): number | undefined {
  const single = results.runs('single');
  const cluster = results.runs('cluster-1');
  const pairs = Math.min(single.length, cluster.length);
  if (pairs === 0) return undefined;
  return median(Array.from({ length: pairs }, (_, index) => cluster[index].throughputMiBs / single[index].throughputMiBs));
}

export function clusterTargets(results: ClusterResults): Target[] {
  return [
    {
      name: 'cluster × 1 ÷ single process, throughput through the same proxy (MiB/s)',
      value: costRatio(results),
      unit: '×',
      goal: `≥ ${CLUSTER_COST_GOAL.toFixed(2)}× (at most 10% below)`,
      met: (value) => value >= CLUSTER_COST_GOAL,
    },
  ];
}

function throughputCell(runs: readonly RunMeasurement[]): string {
  const values = runs.map((run) => run.throughputMiBs);
  const middle = num(median(values));
  return values.length < 2 ? middle : `${middle} (${num(Math.min(...values))}–${num(Math.max(...values))})`;
}

function optional(value: number | undefined): string {
  return value === undefined ? 'n/a' : num(value);
}

export function renderMarkdown(results: ClusterResults): string {
  const { runs, size, clients, topologies } = results.options;
  const cpu = cpus();
  const lines = [
    '## ferry cluster benchmark',
    '',
    `${new Date().toISOString()} · Node ${process.version} · ${cpu.length} × ${cpu[0]?.model.trim() ?? 'unknown CPU'} · loopback`,
    `1-minute load average before the servers started: ${results.loadBefore.toFixed(2)}.`,
    `${clients} concurrent clients, each uploading ${formatBytes(size)} in 1 MiB PATCHes, every request on a new connection through a round-robin TCP proxy (a process of its own), so one upload's requests go to every instance in turn.`,
    `${runs} run(s), topologies alternating within each run; every cell is the median over runs (throughput: median (min–max)).`,
    "Lock acquire: ferry_lock_acquire_seconds from every instance's /metrics over the load (percentiles estimated from its buckets); n/a when the metric is missing.",
    'Server CPU: user + system of every instance (/proc/<pid>/stat) over the load, per GiB uploaded.',
    'Handover: a PATCH stalls on instance #1 (headers and 1 MiB of body, then silence); a HEAD through #2 (#1 itself with one instance) is timed until it answers 200 with the offset. In one process the in-memory lock lets the stalled body drain for lockDrainTimeoutMs (1 s) first.',
    '',
    `| metric | ${topologies.map(topologyLabel).join(' | ')} |`,
    `|---|${topologies.map(() => '---:').join('|')}|`,
  ];
  const row = (metric: string, render: (runs: readonly RunMeasurement[]) => string): string =>
    `| ${metric} | ${topologies.map((name) => (results.runs(name).length === 0 ? '–' : render(results.runs(name)))).join(' | ')} |`;
  lines.push(
    row('throughput MiB/s', throughputCell),
    row('lock acquire p50 / p99 ms', (measured) => `${optional(medianOf(measured, (m) => m.lockP50Ms))} / ${optional(medianOf(measured, (m) => m.lockP99Ms))}`),
    row('server CPU s per GiB (all instances)', (measured) => optional(medianOf(measured, (m) => m.serverCpuSecondsPerGiB))),
    row(
      'client CPU s / proxy CPU s',
      (measured) => `${optional(medianOf(measured, (m) => m.clientCpuSeconds))} / ${optional(medianOf(measured, (m) => m.proxyCpuSeconds))}`,
    ),
    row('handover ms', (measured) => `${optional(medianOf(measured, (m) => m.handover.milliseconds))} (${measured[0].handover.path})`),
    row('offset after handover', (measured) => formatBytes(measured[0].handover.offset)),
  );
  lines.push('', '| target | measured | goal | verdict |', '|---|---:|---|---|');
  for (const target of clusterTargets(results)) lines.push(targetRow(target, 'needs single and cluster-1'));
  lines.push(
    '',
    `On ${cpu.length} cores more instances cannot add speed: the cluster columns show what cluster mode costs (Redis round trips per lock, handover, shared counters), not how it scales.`,
  );
  if (runs > 1) lines.push('', 'The ratio is the median over runs of the ratio within each run.');
  return `${lines.join('\n')}\n`;
}

export function renderJson(results: ClusterResults): string {
  return `${JSON.stringify(
    {
      generatedAt: new Date().toISOString(),
      node: process.version,
      cpus: cpus().length,
      options: { ...results.options, redisUrl: undefined, databaseUrl: undefined },
      loadBefore: results.loadBefore,
      topologies: Object.fromEntries(results.options.topologies.map((name) => [name, results.runs(name)])),
      targets: clusterTargets(results).map(targetJson),
    },
    null,
    2,
  )}\n`;
}
