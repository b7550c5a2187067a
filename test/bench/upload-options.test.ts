import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createBaselineBuild } from '../../bench/baseline.js';
import { benchCases, type Measurement } from '../../bench/cases.js';
import { parseOptions } from '../../bench/options.js';
import { Results, renderMarkdown } from '../../bench/report.js';
import { createBaselineSpec, SERVER_SPECS } from '../../bench/server-specs.js';

describe('bench:upload options', () => {
  it('runs every server but the baseline by default, ferry with authentication too', () => {
    const options = parseOptions([]);
    assert.deepEqual(options?.servers, ['ferry', 'ferry-jwt', 'peer-listen', 'peer-hono', 'bare']);
    assert.equal(options?.baseline, undefined);
  });

  it('adds the baseline column with --baseline, and keeps --only for the cheap refactor check', () => {
    assert.deepEqual(parseOptions(['--baseline', 'd81e13c'])?.servers, ['ferry', 'ferry-jwt', 'baseline', 'peer-listen', 'peer-hono', 'bare']);
    const cheap = parseOptions(['--baseline', 'd81e13c', '--only', 'baseline,ferry', '--size', '256MiB', '--runs', '3']);
    assert.deepEqual(cheap?.servers, ['ferry', 'baseline']);
    assert.equal(cheap?.baseline, 'd81e13c');
    assert.equal(cheap?.size, 256 * 1024 * 1024);
    assert.equal(cheap?.runs, 3);
  });

  const refusals: { argv: string[]; message: RegExp }[] = [
    { argv: ['--only', 'ferry,baseline'], message: /--only baseline needs --baseline/ },
    { argv: ['--baseline', 'main', '--only', 'ferry,bare'], message: /needs baseline in --only/ },
    { argv: ['--baseline=--orphan'], message: /--baseline needs a git ref/ },
    { argv: ['--baseline', ' '], message: /--baseline needs a git ref/ },
    { argv: ['--only', 'ferry,nginx'], message: /--only takes a comma-separated list/ },
  ];
  for (const { argv, message } of refusals) {
    it(`refuses ${argv.join(' ')}`, () => {
      assert.throws(() => parseOptions(argv), message);
    });
  }

  it('refuses a ref that names no commit before making a worktree', () => {
    const progress: string[] = [];
    assert.throws(() => createBaselineBuild({ ref: 'no-such-ref-for-the-bench', progress: (text) => progress.push(text) }), /names no commit/);
    assert.deepEqual(progress, []);
  });
});

describe('bench:upload report with a baseline', () => {
  const measurement = (throughput: number): Measurement => ({
    throughput,
    wallSeconds: 1,
    patchCount: 1,
    patchP50Ms: 1,
    patchP99Ms: 1,
    serverCpuSeconds: 1,
    clientCpuSeconds: 0.1,
    rss: { startMiB: 50, peakMiB: 60, endMiB: 55, samples: 20 },
  });

  it('prints ferry ÷ baseline for 1 MiB chunks and 10 KiB uploads, paired per run', () => {
    const cases = benchCases(64 * 1024 * 1024, 100, undefined);
    const results = new Results(
      cases,
      [SERVER_SPECS.ferry, createBaselineSpec('/tmp/unused', 'abc1234')],
      {
        runs: 3,
        size: 64 * 1024 * 1024,
        smallCount: 100,
        baseline: 'main',
      },
      0,
    );
    // Paired ratios per run: 1 MiB chunks 1.0, 0.9, 1.2 (median 1.0); 10 KiB uploads 0.9, 0.8, 0.94 (median 0.9).
    for (const [ferry, baseline] of [
      [100, 100],
      [90, 100],
      [120, 100],
    ]) {
      results.add('chunks-1mib', 'ferry', measurement(ferry));
      results.add('chunks-1mib', 'baseline', measurement(baseline));
    }
    for (const [ferry, baseline] of [
      [450, 500],
      [400, 500],
      [470, 500],
    ]) {
      results.add('small-10kib', 'ferry', measurement(ferry));
      results.add('small-10kib', 'baseline', measurement(baseline));
    }
    const report = renderMarkdown(results);
    assert.match(report, /\| case \| metric \| ferry \| ferry @abc1234 \|/);
    assert.match(report, /ferry @abc1234 is ferry at --baseline main/);
    assert.match(report, /\| ferry ÷ baseline \(ferry @abc1234\), 1 MiB chunks \(MiB\/s\) \| 1\.00× \| ≥ 0\.95× \(refactor within 5%\) \| PASS \|/);
    assert.match(report, /\| ferry ÷ baseline \(ferry @abc1234\), 10 KiB uploads \(uploads\/s\) \| 0\.90× \| ≥ 0\.95× \(refactor within 5%\) \| SHORT \|/);
  });

  it('leaves the baseline targets out when no baseline ran', () => {
    const cases = benchCases(64 * 1024 * 1024, 100, undefined);
    const results = new Results(cases, [SERVER_SPECS.ferry], { runs: 1, size: 64 * 1024 * 1024, smallCount: 100, baseline: undefined }, 0);
    assert.doesNotMatch(renderMarkdown(results), /baseline/);
  });
});
