import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const MiB = 1024 * 1024;
const RSS_SAMPLE_MS = 50;

function clockTicksPerSecond(): number {
  try {
    const ticks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
    return Number.isFinite(ticks) && ticks > 0 ? ticks : 100;
  } catch {
    return 100;
  }
}

const TICKS_PER_SECOND = clockTicksPerSecond();

/** utime + stime of a process (all its threads), in seconds, from /proc/<pid>/stat. */
export function processCpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) may hold spaces; fields after ")" start at field 3 (state).
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[14 - 3]) + Number(fields[15 - 3])) / TICKS_PER_SECOND;
}

/** VmRSS of a process in MiB, or undefined once it is gone. */
export function processRssMiB(pid: number): number | undefined {
  try {
    const match = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? (Number(match[1]) * 1024) / MiB : undefined;
  } catch {
    return undefined;
  }
}

export interface RssSummary {
  startMiB: number;
  peakMiB: number;
  endMiB: number;
  samples: number;
}

/** Samples VmRSS every 50 ms until stopped; a timer in the bench process, so it is cheap. */
export function sampleRss(pid: number): { stop: () => RssSummary } {
  const first = processRssMiB(pid) ?? 0;
  let peak = first;
  let last = first;
  let samples = 1;
  const take = (): void => {
    const rss = processRssMiB(pid);
    if (rss === undefined) return;
    last = rss;
    peak = Math.max(peak, rss);
    samples += 1;
  };
  const timer = setInterval(take, RSS_SAMPLE_MS);
  return {
    stop: () => {
      clearInterval(timer);
      take();
      return { startMiB: first, peakMiB: peak, endMiB: last, samples };
    },
  };
}
