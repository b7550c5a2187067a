import { type ChildProcess, spawn } from 'node:child_process';
import { type RssSummary, sampleRss } from '../proc-stats.js';

const OUTPUT_TAIL_CHARS = 4_000;

/** Every child still running, so an exit or a signal can kill them all. */
const live = new Set<ChildProcess>();

export function killAllChildrenNow(): void {
  for (const child of live) child.kill('SIGKILL');
  live.clear();
}

export interface ChildOutcome {
  stdout: string;
  seconds: number;
  /** VmRSS of the child sampled every 50 ms while it ran. */
  rss: RssSummary;
}

/**
 * Runs a command to its end with stdin held open (our workers exit when it closes) and a
 * time limit; rejects with the tail of its output when it fails, is killed or times out.
 * `seconds` is spawn to exit.
 */
export function runChild(
  label: string,
  command: string,
  args: readonly string[],
  options: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs: number },
): Promise<ChildOutcome> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ['pipe', 'pipe', 'pipe'] });
    live.add(child);
    const rss = child.pid === undefined ? undefined : sampleRss(child.pid);
    let stdout = '';
    let tail = '';
    let timedOut = false;
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      tail = (tail + chunk.toString()).slice(-OUTPUT_TAIL_CHARS);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      tail = (tail + chunk.toString()).slice(-OUTPUT_TAIL_CHARS);
    });
    child.stdin.on('error', () => undefined);
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, options.timeoutMs);
    const fail = (why: string): void => {
      const output = tail.trim();
      reject(new Error(`${label} ${why}${output === '' ? '' : `:\n${output}`}`));
    };
    child.once('error', (error) => {
      clearTimeout(timer);
      live.delete(child);
      rss?.stop();
      fail(`could not start (${error.message})`);
    });
    child.once('close', (code, signal) => {
      const seconds = (performance.now() - started) / 1000;
      clearTimeout(timer);
      live.delete(child);
      const summary = rss?.stop() ?? { startMiB: 0, peakMiB: 0, endMiB: 0, samples: 0 };
      if (timedOut) fail(`timed out after ${options.timeoutMs / 1000} s`);
      else if (code !== 0) fail(`failed (exit code ${code}, signal ${signal})`);
      else resolve({ stdout, seconds, rss: summary });
    });
  });
}
