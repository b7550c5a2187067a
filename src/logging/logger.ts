import { type DestinationStream, type LevelWithSilent, type Logger, pino } from 'pino';
import pretty from 'pino-pretty';

/**
 * Paths pino blanks out wherever they appear in a log object. Nothing in ferry logs
 * headers or metadata on purpose; this is the net under that rule.
 */
const REDACTED_PATHS = [
  'authorization',
  'cookie',
  'metadata',
  'uploadMetadata',
  '*.authorization',
  '*.cookie',
  '*.metadata',
  '*.uploadMetadata',
  '*.headers.authorization',
  '*.headers.cookie',
  '*.headers["set-cookie"]',
  '*.headers["upload-metadata"]',
];

/**
 * A logger at `level`, to `destination` (tests pass a stream that collects lines) or to stdout:
 * readable lines when stdout is a terminal (a person is watching), JSON lines otherwise (a log
 * collector, a pipe, a test reading them). Redaction applies before either format. `fields` join
 * the base fields of every line (`instance` in cluster mode).
 */
export function createLogger(level: LevelWithSilent = 'info', destination?: DestinationStream, fields: Record<string, string> = {}): Logger {
  const options = {
    level,
    base: { service: 'ferry', ...fields },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
  };
  if (destination !== undefined) return pino(options, destination);
  return process.stdout.isTTY === true ? pino(options, createPrettyStream()) : pino(options);
}

/** pino-pretty in this thread (no transport worker), synchronous so the last lines before an exit are not lost. */
function createPrettyStream(): DestinationStream {
  return pretty({ colorize: true, sync: true, singleLine: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname,service' });
}

/** What the access log records about one request. Never headers, never metadata values. */
export interface RequestLogEntry {
  requestId: string;
  method: string;
  route: string;
  uploadId?: string;
  status: number;
  durationMs: number;
  bytesIn: number;
}

/**
 * The one log policy for requests: a 5xx is logged at error with its cause, anything
 * else (4xx included: the client's mistake, not ours) at info. Messages are constant.
 */
export function logRequest(logger: Logger, entry: RequestLogEntry, cause?: unknown): void {
  if (entry.status >= 500) logger.error({ ...entry, err: cause }, 'request failed');
  else logger.info(entry, 'request completed');
}
