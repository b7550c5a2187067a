import { rmSync } from 'node:fs';
import { parseArgs } from 'node:util';

export interface ChildArgs {
  host: string;
  port: number;
  dataDir: string;
  mode: string | undefined;
}

/** Flags shared by the bench's own servers: --host, --port, --data-dir and (peer only) --mode. */
export function parseChildArgs(argv: readonly string[]): ChildArgs {
  const { values } = parseArgs({
    args: [...argv],
    strict: true,
    options: {
      host: { type: 'string', default: '127.0.0.1' },
      port: { type: 'string', default: '0' },
      'data-dir': { type: 'string' },
      mode: { type: 'string' },
    },
  });
  const dataDir = values['data-dir'];
  if (dataDir === undefined) throw new Error('--data-dir is required');
  return { host: values.host, port: Number(values.port), dataDir, mode: values.mode };
}

/**
 * The bench holds our stdin open; when it goes away (even killed), so do we and our
 * temporary data directory: no orphans, no leftovers.
 */
export function exitWhenParentGoes(dataDir: string): void {
  const leave = (): never => {
    rmSync(dataDir, { recursive: true, force: true });
    process.exit(0);
  };
  process.stdin.on('end', leave);
  process.stdin.on('error', leave);
  process.stdin.resume();
}

/** The line the bench may wait for; it also polls the port, so this is a courtesy. */
export function announceReady(name: string, port: number): void {
  process.stdout.write(`${name} ready on port ${port}\n`);
}
