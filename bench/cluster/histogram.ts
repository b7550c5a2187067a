/**
 * A Prometheus histogram read from /metrics text: cumulative bucket counts by upper bound,
 * summed over every other label (instances, methods), so scrapes of several instances and
 * two moments can be added and subtracted.
 */
export interface Histogram {
  /** Upper bounds, ascending; the last is Infinity (`le="+Inf"`). */
  bounds: number[];
  /** Cumulative count of observations ≤ each bound. */
  counts: number[];
}

const SAMPLE = /^(\w+)_bucket\{([^}]*)\}\s+(\S+)/;
const LE = /(?:^|,)\s*le="([^"]+)"/;

/** The histogram `name` in a /metrics text, or undefined when the text has none. */
export function parseHistogram(text: string, name: string): Histogram | undefined {
  const byBound = new Map<number, number>();
  for (const line of text.split('\n')) {
    const sample = SAMPLE.exec(line);
    if (sample === null || sample[1] !== name) continue;
    const le = LE.exec(sample[2]);
    if (le === null) continue;
    const bound = le[1] === '+Inf' ? Number.POSITIVE_INFINITY : Number(le[1]);
    byBound.set(bound, (byBound.get(bound) ?? 0) + Number(sample[3]));
  }
  if (byBound.size === 0) return undefined;
  const bounds = [...byBound.keys()].sort((a, b) => a - b);
  return { bounds, counts: bounds.map((bound) => byBound.get(bound) ?? 0) };
}

/** a + b, or a − b with sign −1 (the observations between two scrapes); bounds must match. */
export function combine(a: Histogram, b: Histogram, sign: 1 | -1 = 1): Histogram {
  if (a.bounds.length !== b.bounds.length || a.bounds.some((bound, index) => bound !== b.bounds[index])) {
    throw new Error('histograms with different buckets cannot be combined');
  }
  return { bounds: a.bounds, counts: a.counts.map((count, index) => count + sign * b.counts[index]) };
}

/**
 * The q-quantile (0..1) as Prometheus' histogram_quantile estimates it: linear within the
 * bucket that holds it, the highest finite bound when it falls in +Inf; NaN with no observations.
 */
export function histogramQuantile(histogram: Histogram, q: number): number {
  const total = histogram.counts.at(-1) ?? 0;
  if (total <= 0) return Number.NaN;
  const rank = q * total;
  const index = histogram.counts.findIndex((count) => count >= rank);
  const upper = histogram.bounds[index];
  if (upper === Number.POSITIVE_INFINITY) return histogram.bounds.at(-2) ?? Number.NaN;
  const lower = index === 0 ? 0 : histogram.bounds[index - 1];
  const below = index === 0 ? 0 : histogram.counts[index - 1];
  const inBucket = histogram.counts[index] - below;
  return inBucket === 0 ? upper : lower + ((upper - lower) * (rank - below)) / inBucket;
}
