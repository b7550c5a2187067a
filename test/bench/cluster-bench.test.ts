import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { combine, histogramQuantile, parseHistogram } from '../../bench/cluster/histogram.js';
import { instanceCount, parseOptions, TOPOLOGY_NAMES } from '../../bench/cluster/options.js';
import { ClusterResults, type RunMeasurement, renderMarkdown } from '../../bench/cluster/report.js';

const MiB = 1024 * 1024;

describe('bench:cluster options', () => {
  it('runs every topology, 16 clients × 64 MiB, 3 runs by default', () => {
    const options = parseOptions([]);
    assert.deepEqual(options?.topologies, ['single', 'cluster-1', 'cluster-2', 'cluster-3']);
    assert.equal(options?.clients, 16);
    assert.equal(options?.size, 64 * MiB);
    assert.equal(options?.runs, 3);
    assert.deepEqual(TOPOLOGY_NAMES.map(instanceCount), [1, 1, 2, 3]);
  });

  it('takes --only, --size and --runs, and refuses an unknown topology', () => {
    const cheap = parseOptions(['--only', 'cluster-1,single', '--size', '8MiB', '--runs', '1']);
    assert.deepEqual(cheap?.topologies, ['single', 'cluster-1']);
    assert.equal(cheap?.size, 8 * MiB);
    assert.throws(() => parseOptions(['--only', 'cluster-4']), /--only takes a comma-separated list/);
  });
});

// Two instances' scrapes: buckets are summed over every other label.
const SCRAPE = `# HELP ferry_lock_acquire_seconds Time to take an upload's lock.
# TYPE ferry_lock_acquire_seconds histogram
ferry_lock_acquire_seconds_bucket{le="0.001",instance="a"} 60
ferry_lock_acquire_seconds_bucket{le="0.01",instance="a"} 90
ferry_lock_acquire_seconds_bucket{le="+Inf",instance="a"} 100
ferry_lock_acquire_seconds_bucket{instance="b",le="0.001"} 20
ferry_lock_acquire_seconds_bucket{instance="b",le="0.01"} 80
ferry_lock_acquire_seconds_bucket{instance="b",le="+Inf"} 100
ferry_lock_acquire_seconds_sum{instance="a"} 1.5
ferry_lock_acquire_seconds_count{instance="a"} 100
ferry_http_request_duration_seconds_bucket{le="0.001",method="GET",status="200"} 7
`;

describe('bench:cluster lock histogram', () => {
  it('sums buckets over labels and estimates percentiles as histogram_quantile does', () => {
    const histogram = parseHistogram(SCRAPE, 'ferry_lock_acquire_seconds');
    assert.deepEqual(histogram, { bounds: [0.001, 0.01, Number.POSITIVE_INFINITY], counts: [80, 170, 200] });
    // rank 100 of 200: 20 of the 90 in (0.001, 0.01].
    assert.ok(Math.abs(histogramQuantile(histogram, 0.5) - (0.001 + (0.009 * 20) / 90)) < 1e-12);
    // rank 198 falls in +Inf: the highest finite bound.
    assert.equal(histogramQuantile(histogram, 0.99), 0.01);
  });

  it('subtracts an earlier scrape, and has nothing for a missing metric', () => {
    const after = parseHistogram(SCRAPE, 'ferry_lock_acquire_seconds');
    assert.ok(after !== undefined);
    const during = combine(after, { bounds: after.bounds, counts: [80, 160, 160] }, -1);
    assert.deepEqual(during.counts, [0, 10, 40]);
    assert.equal(parseHistogram(SCRAPE, 'ferry_lock_missing_seconds'), undefined);
    assert.ok(Number.isNaN(histogramQuantile({ bounds: [1, Number.POSITIVE_INFINITY], counts: [0, 0] }, 0.5)));
  });
});

describe('bench:cluster report', () => {
  const measurement = (throughputMiBs: number, lockMs: number | undefined): RunMeasurement => ({
    throughputMiBs,
    wallSeconds: 4,
    serverCpuSecondsPerGiB: 3,
    clientCpuSeconds: 1,
    proxyCpuSeconds: 2,
    lockP50Ms: lockMs,
    lockP99Ms: lockMs === undefined ? undefined : lockMs * 10,
    handover: { milliseconds: 350, offset: MiB, path: '#1 → #1' },
  });

  it('pairs cluster × 1 with single per run against the 10% goal, and prints n/a for a missing lock metric', () => {
    const options = parseOptions(['--only', 'single,cluster-1', '--runs', '3']);
    assert.ok(options !== undefined);
    const results = new ClusterResults(options, 0);
    // Ratios per run 0.95, 0.80, 0.92: median 0.92.
    for (const [single, cluster] of [
      [200, 190],
      [250, 200],
      [200, 184],
    ]) {
      results.add('single', measurement(single, undefined));
      results.add('cluster-1', measurement(cluster, 0.5));
    }
    const report = renderMarkdown(results);
    assert.match(report, /\| metric \| single process \| cluster × 1 \|/);
    assert.match(report, /\| lock acquire p50 \/ p99 ms \| n\/a \/ n\/a \| 0\.50 \/ 5\.00 \|/);
    assert.match(
      report,
      /\| cluster × 1 ÷ single process, throughput through the same proxy \(MiB\/s\) \| 0\.92× \| ≥ 0\.90× \(at most 10% below\) \| PASS \|/,
    );
  });
});
