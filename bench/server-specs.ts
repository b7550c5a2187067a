import { fileURLToPath } from 'node:url';

/** The repository root: every server runs from here so `--import tsx` resolves. */
export const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));

export const SERVER_NAMES = ['ferry', 'peer-listen', 'peer-hono', 'bare'] as const;
export type ServerName = (typeof SERVER_NAMES)[number];

export interface ServerSpec {
  name: ServerName;
  /** Column heading in the report. */
  label: string;
  /** Arguments for `node` (the bench spawns process.execPath, so the child's pid is the server's). */
  nodeArgs: (host: string, port: number, dataDir: string) => string[];
}

function benchScript(file: string, extra: readonly string[]): ServerSpec['nodeArgs'] {
  return (host, port, dataDir) => ['--import', 'tsx', `bench/${file}`, ...extra, '--host', host, '--port', String(port), '--data-dir', dataDir];
}

export const SERVER_SPECS: Record<ServerName, ServerSpec> = {
  // ferry runs as in production (the Docker image): compiled by `npm run build`, no tsx.
  ferry: {
    name: 'ferry',
    label: 'ferry',
    nodeArgs: (host, port, dataDir) => ['dist/main.js', '--host', host, '--port', String(port), '--data-dir', dataDir, '--log-level', 'warn'],
  },
  'peer-listen': { name: 'peer-listen', label: 'peer (listen)', nodeArgs: benchScript('peer-server.ts', ['--mode', 'listen']) },
  'peer-hono': { name: 'peer-hono', label: 'peer (hono)', nodeArgs: benchScript('peer-server.ts', ['--mode', 'hono']) },
  bare: { name: 'bare', label: 'bare', nodeArgs: benchScript('bare-server.ts', []) },
};

/** Every server serves tus at this path (ferry's endpoint is /files/). */
export const TUS_PATH = '/files/';
