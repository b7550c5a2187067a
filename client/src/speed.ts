export interface SpeedMeter {
  /** Records that `bytes` have been sent in total by now; returns bytes per second over the window, once known. */
  sample(bytes: number): number | undefined;
  /** Forgets every sample (after a pause, so the pause does not count as slowness). */
  reset(): void;
}

export interface SpeedMeterOptions {
  windowMs?: number;
  now?: () => number;
}

/** Upload speed over the last few seconds, from the running byte count. */
export function createSpeedMeter({ windowMs = 3000, now = () => performance.now() }: SpeedMeterOptions = {}): SpeedMeter {
  let samples: { at: number; bytes: number }[] = [];
  return {
    sample(bytes) {
      const at = now();
      samples.push({ at, bytes });
      while (samples.length > 2 && at - samples[1]!.at >= windowMs) samples.shift();
      const first = samples[0]!;
      const elapsed = at - first.at;
      return elapsed >= 250 ? Math.max(0, ((bytes - first.bytes) * 1000) / elapsed) : undefined;
    },
    reset() {
      samples = [];
    },
  };
}
