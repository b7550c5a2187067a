import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { mintToken } from '../src/auth/mint-token.js';
import { readCommandLine } from './arg-parsers.js';
import { type BaselineBuild, createBaselineBuild, removeAllBaselinesNow } from './baseline.js';
import { type BenchCase, benchCases, type Measurement, runCase, runsOn } from './cases.js';
import { type BenchOptions, parseOptions, USAGE } from './options.js';
import { Results, renderJson, renderMarkdown } from './report.js';
import { killAllServersNow, ServerProcess } from './server-process.js';
import { BUILT_SERVERS, createBaselineSpec, createFerryJwtSpec, REPO_ROOT, SERVER_SPECS, type ServerName, type ServerSpec } from './server-specs.js';

/**
 * The upload benchmark: ferry against stock @tus/server (two ways), a bare node:http
 * appender and, with --baseline, ferry built from another commit; each a child process
 * on loopback, alternating case by case. Progress goes to stderr, the Markdown report
 * to stdout. See bench/README.md.
 */

const MiB = 1024 * 1024;

function progress(text: string): void {
  process.stderr.write(`${text}\n`);
}

function summary(spec: BenchCase, m: Measurement): string {
  const rate = spec.kind === 'large' ? `${m.throughput.toFixed(1)} MiB/s` : `${m.throughput.toFixed(0)} uploads/s`;
  return `${rate}, p99 ${m.patchP99Ms.toFixed(1)} ms, server CPU ${m.serverCpuSeconds.toFixed(2)} s, client CPU ${m.clientCpuSeconds.toFixed(2)} s, RSS peak ${m.rss.peakMiB.toFixed(0)} MiB, ${m.wallSeconds.toFixed(1)} s`;
}

/** A short pass on every server first, so JIT warm-up is not measured. */
async function warmUp(servers: readonly ServerProcess[], options: BenchOptions): Promise<void> {
  const cases: BenchCase[] = [
    { kind: 'large', key: 'warm-up', title: 'warm-up', size: Math.min(options.size, 32 * MiB), chunkSize: MiB },
    { kind: 'small', key: 'warm-up-small', title: 'warm-up (small)', count: Math.min(options.smallCount, 64) },
  ];
  for (const server of servers) {
    for (const spec of cases) await runCase(server, spec);
  }
}

async function measure(servers: readonly ServerProcess[], options: BenchOptions, loadBefore: number): Promise<Results> {
  // The checksum case is ferry's alone.
  const cases = benchCases(options.size, options.smallCount, options.servers.includes('ferry') ? options.checksum : undefined);
  const results = new Results(
    cases,
    servers.map((s) => s.spec),
    options,
    loadBefore,
  );
  for (let run = 0; run < options.runs; run += 1) {
    // Rotate who goes first, so no server always follows the same neighbour.
    const order = servers.map((_, index) => servers[(index + run) % servers.length]);
    for (const spec of cases) {
      for (const server of order.filter((candidate) => runsOn(spec, candidate.spec.name))) {
        const measurement = await runCase(server, spec);
        results.add(spec.key, server.spec.name, measurement);
        progress(`[run ${run + 1}/${options.runs}] ${spec.title} · ${server.spec.label}: ${summary(spec, measurement)}`);
      }
    }
  }
  return results;
}

/** Long enough for any bench run; the secret is fresh each run, so the token dies with it. */
const TOKEN_TTL_SECONDS = 24 * 3600;

async function specOf(name: ServerName, baseline: BaselineBuild | undefined): Promise<ServerSpec> {
  if (name === 'ferry-jwt') {
    const secret = randomBytes(32).toString('base64url');
    return createFerryJwtSpec(secret, await mintToken({ secret, subject: 'bench', ttlSeconds: TOKEN_TTL_SECONDS }));
  }
  if (name !== 'baseline') return SERVER_SPECS[name];
  if (baseline === undefined) throw new Error('the baseline server needs --baseline <git-ref>');
  return createBaselineSpec(baseline.directory, baseline.shortCommit);
}

async function main(): Promise<number> {
  const options = readCommandLine(parseOptions, USAGE);
  if (typeof options === 'number') return options;
  if (options.servers.some((name) => BUILT_SERVERS.includes(name))) {
    progress('building ferry (npm run build)…');
    const build = spawnSync('npm', ['run', 'build'], { cwd: REPO_ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
    if (build.status !== 0) {
      process.stderr.write('bench: npm run build failed\n');
      return 1;
    }
  }
  const servers: ServerProcess[] = [];
  let baseline: BaselineBuild | undefined;
  try {
    if (options.baseline !== undefined) baseline = createBaselineBuild({ ref: options.baseline, progress });
    const loadBefore = loadavg()[0];
    for (const name of options.servers) {
      const spec = await specOf(name, baseline);
      progress(`starting ${spec.label}…`);
      servers.push(await ServerProcess.start(spec));
    }
    progress('warming up…');
    await warmUp(servers, options);
    const results = await measure(servers, options, loadBefore);
    process.stdout.write(renderMarkdown(results));
    if (options.jsonPath !== undefined) writeFileSync(options.jsonPath, renderJson(results));
    return 0;
  } finally {
    for (const server of servers) await server.stop();
    baseline?.remove();
  }
}

process.on('exit', () => {
  killAllServersNow();
  removeAllBaselinesNow();
});
for (const [signal, code] of [
  ['SIGINT', 130],
  ['SIGTERM', 143],
] as const) {
  process.once(signal, () => {
    progress(`bench: ${signal}, stopping the servers`);
    killAllServersNow();
    process.exit(code);
  });
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    progress(`bench failed: ${error instanceof Error ? error.message : String(error)}`);
    killAllServersNow();
    process.exit(1);
  },
);
