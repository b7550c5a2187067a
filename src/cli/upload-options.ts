import { readSetting } from '../config/load-config.js';
import { parseByteSize, parseChoice, parseInteger } from '../config/parsers.js';
import type { ImportMode } from '../imports/types.js';
import { type FlagSpec, parseCommandArgs, readValue, usageError } from './command-args.js';
import { IMPORT_MODES } from './import-options.js';
import { localUrl } from './local-url.js';

const EXAMPLE_UPLOAD_URL = 'http://127.0.0.1:1080/files/';
const DEFAULT_CHUNK_SIZE = '8MiB';
/** More files at once gains nothing on one link and only multiplies open requests. */
const MAX_PARALLEL = 16;

const UPLOAD_FLAGS: FlagSpec = {
  '--url': 'value',
  '--schema': 'value',
  '--mode': 'value',
  '--chunk-size': 'value',
  '--parallel': 'value',
  '--token': 'value',
  '--json': 'switch',
};

/** `ferry upload` as the user asked for it, checked; every problem is reported at once. */
export interface UploadCommandOptions {
  files: string[];
  /** The tus endpoint, always ending in `/` (e.g. http://127.0.0.1:1080/files/). */
  endpoint: string;
  /** The server's schema to import each file with, once uploaded. */
  schema?: string;
  /** Only with a schema; absent leaves the server's default (all-or-nothing). */
  mode?: ImportMode;
  /** Bytes per PATCH request. */
  chunkSize: number;
  /** How many files are uploaded at once. */
  parallel: number;
  /** A JWT for a server with FERRY_AUTH=jwt, sent as `Authorization: Bearer` on every request; never printed. */
  token?: string;
  json: boolean;
}

export function readUploadOptions(args: readonly string[], env: NodeJS.ProcessEnv): UploadCommandOptions {
  const { positionals, values, switches } = parseCommandArgs(args, UPLOAD_FLAGS);
  const problems: string[] = [];
  if (positionals.length === 0) problems.push('missing the file to upload');
  const urlFlag = values.get('--url');
  const urlSource = urlFlag !== undefined ? '--url' : env.FERRY_URL !== undefined ? '--url (from FERRY_URL)' : '--url';
  const url = urlFlag ?? env.FERRY_URL ?? servedEndpoint(env, problems);
  const endpoint = url === undefined ? undefined : readValue(url, urlSource, parseEndpoint, problems);
  const schema = values.get('--schema');
  if (schema === '') problems.push('--schema: give the name of a schema on the server');
  const modeFlag = values.get('--mode');
  const mode = modeFlag === undefined ? undefined : readValue(modeFlag, '--mode', parseChoice(IMPORT_MODES), problems);
  if (modeFlag !== undefined && schema === undefined) problems.push('--mode needs --schema');
  const chunkSize = readValue(values.get('--chunk-size') ?? DEFAULT_CHUNK_SIZE, '--chunk-size', parseChunkSize, problems);
  const parallel = readValue(values.get('--parallel') ?? '1', '--parallel', parseInteger(1, MAX_PARALLEL), problems);
  const token = readToken(values.get('--token') ?? env.FERRY_TOKEN, problems);
  if (problems.length > 0 || endpoint === undefined || chunkSize === undefined || parallel === undefined) {
    throw usageError(problems.join('; '));
  }
  return { files: positionals, endpoint, schema, mode, chunkSize, parallel, token, json: switches.has('--json') };
}

/**
 * Without --url or FERRY_URL: the endpoint `ferry serve` would listen on with the same
 * environment (FERRY_HOST, FERRY_PORT, read and checked as the server reads them), so one
 * shell's settings serve both. Undefined, with a problem, when they cannot name a server.
 */
function servedEndpoint(env: NodeJS.ProcessEnv, problems: string[]): string | undefined {
  const noFlags = new Map<string, string>();
  const host = readSetting('host', noFlags, env);
  const port = readSetting('port', noFlags, env);
  for (const read of [host, port]) {
    if ('problem' in read) problems.push(`--url: no --url or FERRY_URL, and ${read.problem.setting} (from ${read.problem.source}): ${read.problem.message}`);
  }
  if ('problem' in host || 'problem' in port) return undefined;
  if (port.value === 0) {
    problems.push("--url: no --url or FERRY_URL, and FERRY_PORT is 0 (a random port): give the server's URL with --url");
    return undefined;
  }
  return `${localUrl(host.value as string, port.value as number)}/files/`;
}

/** An http(s) URL; a trailing `/` is added, so the server's other routes resolve against it (`../imports/`). */
function parseEndpoint(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new Error(`"${raw}" is not a URL such as ${EXAMPLE_UPLOAD_URL}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`"${raw}" is not an http(s) URL`);
  if (!url.pathname.endsWith('/')) url.pathname += '/';
  return url.href;
}

function parseChunkSize(raw: string): number {
  const size = parseByteSize(raw);
  if (size < 1) throw new Error('must be at least 1 byte');
  return size;
}

/**
 * `--token` or FERRY_TOKEN: an empty one counts as none (an unset variable in a script). A token
 * with white space or control characters cannot be a header value; the problem never quotes it.
 */
function readToken(raw: string | undefined, problems: string[]): string | undefined {
  const token = raw?.trim();
  if (token === undefined || token === '') return undefined;
  if (!/^[\x21-\x7e]+$/.test(token)) {
    problems.push('--token: a token is one word of printable ASCII (a JWT such as ferry token prints)');
    return undefined;
  }
  return token;
}
