import { parseArgs } from 'node:util';
import { parseNameList, parsePositiveInteger } from '../arg-parsers.js';
import { parseByteSize } from '../options.js';

/** single: one ferry without Redis; cluster-N: N ferry instances in cluster mode on one data dir. Each behind the proxy. */
export const TOPOLOGY_NAMES = ['single', 'cluster-1', 'cluster-2', 'cluster-3'] as const;
export type TopologyName = (typeof TOPOLOGY_NAMES)[number];

export interface ClusterBenchOptions {
  runs: number;
  /** Bytes each client uploads. */
  size: number;
  /** Concurrent clients, each with its own upload. */
  clients: number;
  topologies: readonly TopologyName[];
  redisUrl: string;
  databaseUrl: string;
  jsonPath: string | undefined;
}

export const CHUNK_SIZE = 1024 * 1024;

export const USAGE = `usage: npm run bench:cluster -- [flags]

  --runs N            repeat every topology N times, report the median (default 3)
  --size SIZE         bytes each client uploads, in 1 MiB PATCHes, e.g. 64MiB (default 64MiB)
  --clients N         concurrent clients, one upload each (default 16)
  --only a,b          topologies to run: ${TOPOLOGY_NAMES.join(', ')} (default all);
                      single is one ferry without Redis, cluster-N is N instances in cluster
                      mode on one data dir; every topology sits behind the same round-robin proxy
  --redis-url URL     Redis of the cluster topologies (default redis://127.0.0.1:6379)
  --database-url URL  PostgreSQL of the cluster topologies (default postgres://postgres@127.0.0.1:5432/test)
  --json PATH         also write the results as JSON to PATH
  --help              print this help
`;

/** Parses the command line; returns undefined when --help was asked for. Throws on bad input. */
export function parseOptions(argv: readonly string[]): ClusterBenchOptions | undefined {
  const { values } = parseArgs({
    args: [...argv],
    strict: true,
    allowPositionals: false,
    options: {
      runs: { type: 'string', default: '3' },
      size: { type: 'string', default: '64MiB' },
      clients: { type: 'string', default: '16' },
      only: { type: 'string' },
      'redis-url': { type: 'string', default: 'redis://127.0.0.1:6379' },
      'database-url': { type: 'string', default: 'postgres://postgres@127.0.0.1:5432/test' },
      json: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) return undefined;
  return {
    runs: parsePositiveInteger('--runs', values.runs),
    size: parseByteSize(values.size),
    clients: parsePositiveInteger('--clients', values.clients),
    topologies: values.only === undefined ? [...TOPOLOGY_NAMES] : parseNameList('--only', values.only, TOPOLOGY_NAMES),
    redisUrl: values['redis-url'],
    databaseUrl: values['database-url'],
    jsonPath: values.json,
  };
}

/** How many ferry processes a topology runs. */
export function instanceCount(topology: TopologyName): number {
  return topology === 'single' ? 1 : Number(topology.slice('cluster-'.length));
}

export function topologyLabel(topology: TopologyName): string {
  return topology === 'single' ? 'single process' : `cluster × ${instanceCount(topology)}`;
}
