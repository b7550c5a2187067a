import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { REPO_ROOT } from '../server-specs.js';

const START_TIMEOUT_MS = 30_000;
const READY = /^proxy ready on (http:\/\/\S+)$/;

/** Every proxy still running, so an exit or a signal can kill them all. */
const live = new Set<ChildProcess>();

/** The round-robin proxy child (proxy-child.ts) in front of `backendPorts`. */
export interface ProxyProcess {
  url: string;
  pid: number;
  stop: () => Promise<void>;
}

export async function startProxyProcess(backendPorts: readonly number[]): Promise<ProxyProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/cluster/proxy-child.ts', '--backends', backendPorts.join(',')], {
    cwd: REPO_ROOT,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  live.add(child);
  child.stdin.on('error', () => undefined);
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4_000);
  });
  const exited = once(child, 'exit').then(() => live.delete(child));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      child.stdin.end();
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    }
  };
  try {
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the proxy did not start within ${START_TIMEOUT_MS / 1000} s`)), START_TIMEOUT_MS);
      createInterface({ input: child.stdout }).on('line', (line) => {
        const ready = READY.exec(line);
        if (ready === null) return;
        clearTimeout(timer);
        resolve(ready[1]);
      });
      exited.then(() => {
        clearTimeout(timer);
        reject(new Error(`the proxy exited before it was ready: ${stderr.trim()}`));
      });
    });
    return { url, pid: child.pid ?? -1, stop };
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
}

export function killAllProxiesNow(): void {
  for (const child of live) child.kill('SIGKILL');
  live.clear();
}
