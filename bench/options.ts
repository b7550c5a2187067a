import { parseArgs } from 'node:util';
import { parseNameList, parsePositiveInteger } from './arg-parsers.js';
import { CHECKSUM_ALGORITHMS, type ChecksumAlgorithm } from './checksums.js';
import { SERVER_NAMES, type ServerName } from './server-specs.js';

export interface BenchOptions {
  runs: number;
  /** Size of the large upload, in bytes. */
  size: number;
  /** Number of small uploads. */
  smallCount: number;
  servers: readonly ServerName[];
  /** The git ref built and run as the `baseline` column; undefined: no baseline. */
  baseline: string | undefined;
  /** The algorithm of the ferry-only Upload-Checksum case; undefined leaves it out. */
  checksum: ChecksumAlgorithm | undefined;
  jsonPath: string | undefined;
}

export const USAGE = `usage: npm run bench:upload -- [flags]

  --runs N            repeat the whole set N times, report the median (default 3)
  --size SIZE         size of the large upload, e.g. 64MiB (default 1GiB)
  --small-count N     number of 10 KiB uploads (default 2000)
  --baseline REF      also build ferry at git commit REF in a temporary worktree and run it
                      as the column "ferry @<sha>" (server name baseline), with the targets
                      "ferry ÷ baseline"; e.g. --baseline main --only ferry,baseline
  --only a,b          servers to run: ${SERVER_NAMES.join(', ')}
                      (default all; baseline only with --baseline); ferry-jwt is ferry with
                      FERRY_AUTH=jwt, the client sending a bearer token on every request
  --checksum ALG      algorithm of the ferry-only case "1 MiB chunks, Upload-Checksum ALG":
                      ${CHECKSUM_ALGORITHMS.join(', ')}, or none to leave it out (default sha1)
  --json PATH         also write the results as JSON to PATH
  --help              print this help
`;

const UNITS: Record<string, number> = { '': 1, b: 1, kib: 1024, mib: 1024 ** 2, gib: 1024 ** 3, kb: 1000, mb: 1000 ** 2, gb: 1000 ** 3 };

export function parseByteSize(text: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(text);
  const unit = match ? UNITS[match[2].toLowerCase()] : undefined;
  if (!match || unit === undefined) throw new Error(`not a byte size: "${text}" (try 64MiB or 1GiB)`);
  const bytes = Math.round(Number(match[1]) * unit);
  if (bytes < 1) throw new Error(`byte size must be at least 1 byte: "${text}"`);
  return bytes;
}

function parseChecksum(text: string): ChecksumAlgorithm | undefined {
  if (text === 'none') return undefined;
  const algorithm = CHECKSUM_ALGORITHMS.find((name) => name === text);
  if (algorithm === undefined) throw new Error(`--checksum takes one of ${CHECKSUM_ALGORITHMS.join(', ')} or none; got "${text}"`);
  return algorithm;
}

function parseBaseline(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  const ref = text.trim();
  // git would read a leading '-' as an option of its own.
  if (ref === '' || ref.startsWith('-')) throw new Error(`--baseline needs a git ref (a commit, branch or tag), got "${text}"`);
  return ref;
}

/** The servers of --only; without it, every server (the baseline only when there is one). */
function parseServers(only: string | undefined, baseline: string | undefined): ServerName[] {
  const servers =
    only === undefined ? SERVER_NAMES.filter((name) => name !== 'baseline' || baseline !== undefined) : parseNameList('--only', only, SERVER_NAMES);
  if (servers.includes('baseline') && baseline === undefined) throw new Error('--only baseline needs --baseline <git-ref>');
  if (!servers.includes('baseline') && baseline !== undefined) throw new Error(`--baseline ${baseline} needs baseline in --only (e.g. --only ferry,baseline)`);
  return servers;
}

/** Parses the command line; returns undefined when --help was asked for. Throws on bad input. */
export function parseOptions(argv: readonly string[]): BenchOptions | undefined {
  const { values } = parseArgs({
    args: [...argv],
    strict: true,
    allowPositionals: false,
    options: {
      runs: { type: 'string', default: '3' },
      size: { type: 'string', default: '1GiB' },
      'small-count': { type: 'string', default: '2000' },
      only: { type: 'string' },
      baseline: { type: 'string' },
      checksum: { type: 'string', default: 'sha1' },
      json: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) return undefined;
  const baseline = parseBaseline(values.baseline);
  return {
    runs: parsePositiveInteger('--runs', values.runs),
    size: parseByteSize(values.size),
    smallCount: parsePositiveInteger('--small-count', values['small-count']),
    servers: parseServers(values.only, baseline),
    baseline,
    checksum: parseChecksum(values.checksum),
    jsonPath: values.json,
  };
}
