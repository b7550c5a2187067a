import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { createInterface } from 'node:readline';

const MAIN = path.resolve(import.meta.dirname, '../../src/main.ts');

export interface FerryProcess {
  child: ChildProcess;
  /** http://127.0.0.1:<port> */
  url: string;
  port: number;
  /** Every stdout line the process printed so far (pino JSON). */
  lines: string[];
  /** Resolves with the exit code (or the signal name) once the process has ended. */
  exited: Promise<number | string>;
}

export interface SpawnFerryOptions {
  dataDir: string;
  port?: number;
  args?: string[];
  env?: Record<string, string>;
}

/** Runs `src/main.ts` as a real child process and waits for its "listening" line. */
export async function spawnFerry({ dataDir, port = 0, args = [], env = {} }: SpawnFerryOptions): Promise<FerryProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN, '--port', String(port), '--data-dir', dataDir, ...args], {
    env: { ...process.env, FERRY_LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = once(child, 'exit').then(([code, signal]) => (code ?? signal) as number | string);
  const lines: string[] = [];
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const listening = new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      lines.push(line);
      const entry = parseJson(line);
      if (entry?.msg === 'listening' && typeof entry.url === 'string') resolve(entry.url);
    });
    exited.then((code) => reject(new Error(`ferry exited (${code}) before listening:\n${stderr}`)));
  });
  const url = await listening;
  return { child, url, port: Number(new URL(url).port), lines, exited };
}

function parseJson(line: string): Record<string, unknown> | undefined {
  try {
    return JSON.parse(line) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

/** Runs the `ferry` CLI to completion and returns its exit code and output. */
export async function runFerry(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  // 'close', not 'exit': 'exit' can come before the last of the output has been read.
  const [code] = await once(child, 'close');
  return { code: code as number, stdout, stderr };
}

export interface FerryCommand {
  child: ChildProcess;
  /** Resolves with the first stdout line matching `pattern` (also one printed already); rejects if the process ends first. */
  waitForLine(pattern: RegExp): Promise<string>;
  /** Resolves once the process has ended: its exit code (or the signal name) and output. */
  result: Promise<{ code: number | string; stdout: string; stderr: string }>;
}

/** Starts the `ferry` CLI without waiting for it, so a test can act on its output mid-way (kill it, say). */
export function startFerry(args: string[], env: Record<string, string> = {}): FerryCommand {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const reader = createInterface({ input: child.stdout });
  reader.on('line', (line) => lines.push(line));
  // 'close', not 'exit', as in runFerry.
  const result = once(child, 'close').then(([code, signal]) => ({ code: (code ?? signal) as number | string, stdout, stderr }));
  return {
    child,
    result,
    waitForLine(pattern) {
      return new Promise((resolve, reject) => {
        const seen = lines.find((line) => pattern.test(line));
        if (seen !== undefined) {
          resolve(seen);
          return;
        }
        const onLine = (line: string): void => {
          if (!pattern.test(line)) return;
          reader.off('line', onLine);
          resolve(line);
        };
        reader.on('line', onLine);
        result.then(({ code }) => reject(new Error(`ferry ended (${code}) before printing a line matching ${pattern}:\n${stdout}\n${stderr}`)));
      });
    },
  };
}
