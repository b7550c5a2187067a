import type { ChildProcess } from 'node:child_process';
import { after } from 'node:test';

/** Every child the cluster tests started and that has not exited yet. */
const children = new Set<ChildProcess>();
/** Stops of what a test file started (clusters, proxies, Redis servers), run when the file's tests end. */
const cleanUps = new Set<() => Promise<void>>();

process.once('exit', killAll);
// A root hook: it runs when the test file's tests are done, also when one failed before its own
// after hook could stop what it started, so the file's process can exit.
after(async () => {
  await Promise.allSettled([...cleanUps].map((cleanUp) => cleanUp()));
  killAll();
});

/**
 * Kills `child` when this test process exits, however it exits (a failed test, an uncaught
 * error), so no ferry or redis-server outlives its test file. SIGCONT first: a stopped process
 * would otherwise keep the signal pending.
 */
export function killOnExit(child: ChildProcess): void {
  children.add(child);
  child.once('exit', () => children.delete(child));
}

/** Runs `cleanUp` (again, if the test ran it already: it must allow that) when the test file's tests end. */
export function cleanUpAtEnd(cleanUp: () => Promise<void>): void {
  cleanUps.add(cleanUp);
}

function killAll(): void {
  for (const child of children) {
    child.kill('SIGCONT');
    child.kill('SIGKILL');
  }
}
