import { fileURLToPath } from 'node:url';

/** The repository root: every server runs from here so `--import tsx` resolves. */
export const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));

/**
 * `baseline` is ferry built from another commit (--baseline <git-ref>); it runs only when asked for.
 * `ferry-jwt` is ferry with FERRY_AUTH=jwt, every request carrying a bearer token: what authentication costs.
 */
export const SERVER_NAMES = ['ferry', 'ferry-jwt', 'baseline', 'peer-listen', 'peer-hono', 'bare'] as const;
export type ServerName = (typeof SERVER_NAMES)[number];
/** The servers whose spec is known before the bench starts (the others need a build or a token first). */
export type FixedServerName = Exclude<ServerName, 'baseline' | 'ferry-jwt'>;
/** The servers that run ferry from dist/ (`npm run build` first). */
export const BUILT_SERVERS: readonly ServerName[] = ['ferry', 'ferry-jwt'];

export interface ServerSpec {
  name: ServerName;
  /** Column heading in the report. */
  label: string;
  /** Working directory of the child (ferry resolves ./schemas from it). */
  cwd: string;
  /** Arguments for `node` (the bench spawns process.execPath, so the child's pid is the server's). */
  nodeArgs: (host: string, port: number, dataDir: string) => string[];
  /** Added to the child's environment. */
  env?: Readonly<Record<string, string>>;
  /** Sent on every request the bench client makes to this server (Authorization). */
  clientHeaders?: Readonly<Record<string, string>>;
}

function benchScript(file: string, extra: readonly string[]): ServerSpec['nodeArgs'] {
  return (host, port, dataDir) => ['--import', 'tsx', `bench/${file}`, ...extra, '--host', host, '--port', String(port), '--data-dir', dataDir];
}

// ferry runs as in production (the Docker image): compiled by `npm run build`, no tsx.
const ferryArgs: ServerSpec['nodeArgs'] = (host, port, dataDir) => [
  'dist/main.js',
  '--host',
  host,
  '--port',
  String(port),
  '--data-dir',
  dataDir,
  '--log-level',
  'warn',
];

export const SERVER_SPECS: Record<FixedServerName, ServerSpec> = {
  ferry: { name: 'ferry', label: 'ferry', cwd: REPO_ROOT, nodeArgs: ferryArgs },
  'peer-listen': { name: 'peer-listen', label: 'peer (listen)', cwd: REPO_ROOT, nodeArgs: benchScript('peer-server.ts', ['--mode', 'listen']) },
  'peer-hono': { name: 'peer-hono', label: 'peer (hono)', cwd: REPO_ROOT, nodeArgs: benchScript('peer-server.ts', ['--mode', 'hono']) },
  bare: { name: 'bare', label: 'bare', cwd: REPO_ROOT, nodeArgs: benchScript('bare-server.ts', []) },
};

/** ferry as built in `directory` (a worktree of another commit), run exactly like the HEAD column. */
export function createBaselineSpec(directory: string, shortCommit: string): ServerSpec {
  return { name: 'baseline', label: `ferry @${shortCommit}`, cwd: directory, nodeArgs: ferryArgs };
}

/** ferry with HS256 JWT authentication; `token` is a bearer token signed with `secret`. */
export function createFerryJwtSpec(secret: string, token: string): ServerSpec {
  return {
    name: 'ferry-jwt',
    label: 'ferry (jwt)',
    cwd: REPO_ROOT,
    nodeArgs: ferryArgs,
    env: { FERRY_AUTH: 'jwt', FERRY_JWT_SECRET: secret },
    clientHeaders: { Authorization: `Bearer ${token}` },
  };
}

/** Every server serves tus at this path (ferry's endpoint is /files/). */
export const TUS_PATH = '/files/';
