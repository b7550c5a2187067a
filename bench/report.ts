import { cpus } from 'node:os';
import { type BenchCase, CHECKSUM_CASE, formatBytes, type Measurement, SMALL_CONCURRENCY } from './cases.js';
import type { ServerName, ServerSpec } from './server-specs.js';
import { median } from './stats.js';
import { num, type Target, targetJson, targetRow } from './targets.js';

const TARGET_SIZE = 1024 ** 3;
const PEERS: readonly ServerName[] = ['peer-listen', 'peer-hono'];

/** Every measurement, by case and server, in run order (run i of every cell ran in the same pass). */
export class Results {
  private readonly cells = new Map<string, Measurement[]>();

  /** `loadBefore`: the 1-minute load average before any server started; other work on the machine skews everything. */
  constructor(
    readonly cases: readonly BenchCase[],
    readonly servers: readonly ServerSpec[],
    readonly options: { runs: number; size: number; smallCount: number; baseline: string | undefined },
    readonly loadBefore: number,
  ) {}

  add(caseKey: string, server: ServerName, measurement: Measurement): void {
    const key = `${caseKey}/${server}`;
    this.cells.set(key, [...(this.cells.get(key) ?? []), measurement]);
  }

  runs(caseKey: string, server: ServerName): readonly Measurement[] {
    return this.cells.get(`${caseKey}/${server}`) ?? [];
  }

  has(server: ServerName): boolean {
    return this.servers.some((spec) => spec.name === server);
  }

  label(server: ServerName): string | undefined {
    return this.servers.find((spec) => spec.name === server)?.label;
  }
}

type Median = { [K in Exclude<keyof Measurement, 'rss'>]: number } & { rssStartMiB: number; rssPeakMiB: number };

function medianOf(runs: readonly Measurement[]): Median {
  const of = (pick: (m: Measurement) => number): number => median(runs.map(pick));
  return {
    throughput: of((m) => m.throughput),
    wallSeconds: of((m) => m.wallSeconds),
    patchCount: of((m) => m.patchCount),
    patchP50Ms: of((m) => m.patchP50Ms),
    patchP99Ms: of((m) => m.patchP99Ms),
    serverCpuSeconds: of((m) => m.serverCpuSeconds),
    clientCpuSeconds: of((m) => m.clientCpuSeconds),
    rssStartMiB: of((m) => m.rss.startMiB),
    rssPeakMiB: of((m) => m.rss.peakMiB),
  };
}

/** Median over runs of `subject`'s throughput ÷ the best of `others` in the same run (paired, so drift cancels). */
function pairedRatio(results: Results, caseKey: string, others: readonly ServerName[], subject: ServerName = 'ferry'): number | undefined {
  const measured = results.runs(caseKey, subject);
  const present = others.filter((name) => results.has(name));
  if (measured.length === 0 || present.length === 0) return undefined;
  return median(measured.map((run, index) => run.throughput / Math.max(...present.map((name) => results.runs(caseKey, name)[index].throughput))));
}

/** Median over runs of ferry's 1 MiB chunks with Upload-Checksum ÷ without, in the same run: what verifying costs. */
function checksumRatio(results: Results): number | undefined {
  const plain = results.runs('chunks-1mib', 'ferry');
  const checked = results.runs(CHECKSUM_CASE, 'ferry');
  if (checked.length === 0 || plain.length === 0) return undefined;
  return median(checked.map((run, index) => run.throughput / plain[index].throughput));
}

/** Present only when a baseline ran: a refactor should leave ferry within 5% of the commit it started from. */
function baselineTargets(results: Results): Target[] {
  const label = results.label('baseline');
  if (label === undefined) return [];
  const goal = '≥ 0.95× (refactor within 5%)';
  return [
    {
      name: `ferry ÷ baseline (${label}), 1 MiB chunks (MiB/s)`,
      value: pairedRatio(results, 'chunks-1mib', ['baseline']),
      unit: '×',
      goal,
      met: (v) => v >= 0.95,
    },
    {
      name: `ferry ÷ baseline (${label}), 10 KiB uploads (uploads/s)`,
      value: pairedRatio(results, 'small-10kib', ['baseline']),
      unit: '×',
      goal,
      met: (v) => v >= 0.95,
    },
  ];
}

/** Present only when ferry-jwt ran: verifying a bearer token on every request should cost little. */
function authenticationTargets(results: Results): Target[] {
  if (!results.has('ferry-jwt')) return [];
  return [
    {
      name: 'ferry-jwt ÷ ferry, 10 KiB uploads (uploads/s)',
      value: pairedRatio(results, 'small-10kib', ['ferry'], 'ferry-jwt'),
      unit: '×',
      goal: '≥ 0.90×',
      met: (v) => v >= 0.9,
    },
    {
      name: 'ferry-jwt ÷ ferry, 1 MiB chunks (MiB/s)',
      value: pairedRatio(results, 'chunks-1mib', ['ferry'], 'ferry-jwt'),
      unit: '×',
      goal: '≥ 0.97×',
      met: (v) => v >= 0.97,
    },
  ];
}

function targets(results: Results): Target[] {
  const ferryLargeRuns = results.cases.filter((c) => c.kind === 'large').flatMap((c) => results.runs(c.key, 'ferry'));
  return [
    ...baselineTargets(results),
    ...authenticationTargets(results),
    { name: 'ferry ÷ faster peer, 1 MiB chunks (MiB/s)', value: pairedRatio(results, 'chunks-1mib', PEERS), unit: '×', goal: '≥ 2×', met: (v) => v >= 2 },
    { name: 'ferry ÷ faster peer, 10 KiB uploads (uploads/s)', value: pairedRatio(results, 'small-10kib', PEERS), unit: '×', goal: '≥ 2×', met: (v) => v >= 2 },
    {
      name: 'ferry with Upload-Checksum ÷ without, 1 MiB chunks (MiB/s)',
      value: checksumRatio(results),
      unit: '×',
      goal: '≥ 0.85×',
      met: (v) => v >= 0.85,
    },
    { name: 'ferry ÷ bare, 8 MiB chunks (MiB/s)', value: pairedRatio(results, 'chunks-8mib', ['bare']), unit: '×', goal: '≥ 1×', met: (v) => v >= 1 },
    { name: 'ferry ÷ bare, one PATCH (MiB/s)', value: pairedRatio(results, 'one-patch', ['bare']), unit: '×', goal: '≥ 1×', met: (v) => v >= 1 },
    {
      name: `ferry peak RSS during the ${formatBytes(results.options.size)} uploads (max over all runs)`,
      value: ferryLargeRuns.length === 0 ? undefined : Math.max(...ferryLargeRuns.map((m) => m.rss.peakMiB)),
      unit: 'MiB',
      goal: '< 150 MiB',
      met: (v) => v < 150,
    },
  ];
}

function share(seconds: number, wallSeconds: number): string {
  return `${num(seconds)} (${Math.round((100 * seconds) / wallSeconds)}%)`;
}

function throughputCell(runs: readonly Measurement[], m: Median): string {
  if (runs.length < 2) return num(m.throughput);
  const values = runs.map((run) => run.throughput);
  return `${num(m.throughput)} (${num(Math.min(...values))}–${num(Math.max(...values))})`;
}

function baselineLine(results: Results): string[] {
  const label = results.label('baseline');
  if (label === undefined) return [];
  return [`${label} is ferry at --baseline ${results.options.baseline ?? '?'}, built in a temporary git worktree; "ferry" is the current tree.`];
}

export function renderMarkdown(results: Results): string {
  const { runs, size, smallCount } = results.options;
  const cpu = cpus();
  const lines = [
    '## ferry upload benchmark',
    '',
    `${new Date().toISOString()} · Node ${process.version} · ${cpu.length} × ${cpu[0]?.model.trim() ?? 'unknown CPU'} · loopback`,
    `1-minute load average before the servers started: ${results.loadBefore.toFixed(2)} (about 0 when idle; it decays over a minute or so, so a high value means other work is running or has just run).`,
    `Large upload ${formatBytes(size)}; ${smallCount} × 10 KiB uploads, ${SMALL_CONCURRENCY} concurrent, each a POST then one PATCH.`,
    `${runs} run(s), servers alternating within each run; every cell is the median over runs (throughput: median (min–max)).`,
    ...baselineLine(results),
    'CPU: seconds over the case (percent of its wall time; 100% = one core). RSS: server VmRSS sampled every 50 ms, start → peak.',
    '',
    `| case | metric | ${results.servers.map((s) => s.label).join(' | ')} |`,
    `|---|---|${results.servers.map(() => '---:').join('|')}|`,
  ];
  for (const spec of results.cases) {
    const cells = results.servers.map((server) => {
      const measured = results.runs(spec.key, server.name);
      return { measured, m: medianOf(measured) };
    });
    const patchCount = cells.find((cell) => cell.measured.length > 0)?.m.patchCount ?? 0;
    const row = (caseLabel: string, metric: string, render: (cell: (typeof cells)[number]) => string): string =>
      `| ${caseLabel} | ${metric} | ${cells.map((cell) => (cell.measured.length === 0 ? '–' : render(cell))).join(' | ')} |`;
    lines.push(
      row(`**${spec.title}**`, spec.kind === 'large' ? 'MiB/s' : 'uploads/s', ({ measured, m }) => throughputCell(measured, m)),
      row('', `PATCH p50 / p99 ms (${patchCount} ${patchCount === 1 ? 'PATCH' : 'PATCHes'})`, ({ m }) => `${num(m.patchP50Ms)} / ${num(m.patchP99Ms)}`),
      row('', 'server CPU s', ({ m }) => share(m.serverCpuSeconds, m.wallSeconds)),
      row('', 'client CPU s', ({ m }) => share(m.clientCpuSeconds, m.wallSeconds)),
      row('', 'server RSS MiB', ({ m }) => `${num(m.rssStartMiB)} → ${num(m.rssPeakMiB)}`),
    );
  }
  lines.push('', '| target | measured | goal | verdict |', '|---|---:|---|---|');
  for (const target of targets(results)) lines.push(targetRow(target, 'server not run'));
  if (size !== TARGET_SIZE) lines.push('', `Note: the targets are set for a 1 GiB upload; this run used ${formatBytes(size)}.`);
  if (runs > 1) lines.push('', 'Ratios are the median over runs of the ratio within each run.');
  return `${lines.join('\n')}\n`;
}

export function renderJson(results: Results): string {
  return `${JSON.stringify(
    {
      generatedAt: new Date().toISOString(),
      node: process.version,
      cpus: cpus().length,
      options: results.options,
      loadBefore: results.loadBefore,
      servers: results.servers.map((s) => ({ name: s.name, label: s.label })),
      cases: results.cases.map((spec) => ({
        ...spec,
        cells: Object.fromEntries(
          results.servers.map((server) => {
            const runs = results.runs(spec.key, server.name);
            return [server.name, { median: medianOf(runs), runs }];
          }),
        ),
      })),
      targets: targets(results).map(targetJson),
    },
    null,
    2,
  )}\n`;
}
