import { parseAuthMode, parseHookHeaders, parseHookUrl, parseJwksUrl, parseJwtAlgorithms, parseJwtSecret } from './auth-parsers.js';
import {
  parseByteSize,
  parseChoice,
  parseDatabaseUrl,
  parseHttpUrlOrEmpty,
  parseInteger,
  parseLinkSecret,
  parseOrigins,
  parseRedisUrl,
  parseString,
} from './parsers.js';

/**
 * The one table of settings: each has a flag, a `FERRY_*` environment variable, a
 * default and a line of documentation. It feeds `ferry --help`, the README table and
 * validation. Flags win over the environment, which wins over the default.
 */
export interface Setting<T> {
  flag: string;
  env: string;
  default: string;
  doc: string;
  parse: (raw: string) => T;
}

function setting<T>(flag: string, env: string, defaultValue: string, doc: string, parse: (raw: string) => T): Setting<T> {
  return { flag, env, default: defaultValue, doc, parse };
}

export const SETTINGS = {
  host: setting('--host', 'FERRY_HOST', '127.0.0.1', 'Address to listen on (the Docker image uses 0.0.0.0).', parseString),
  port: setting('--port', 'FERRY_PORT', '1080', 'TCP port to listen on (0 picks a free one).', parseInteger(0, 65535)),
  dataDir: setting('--data-dir', 'FERRY_DATA_DIR', './storage', 'Data directory: one file per upload plus its <id>.json.', parseString),
  publicUrl: setting(
    '--public-url',
    'FERRY_PUBLIC_URL',
    '',
    'Public base URL for Location headers, e.g. https://up.example.com. Empty: relative Locations.',
    parseHttpUrlOrEmpty,
  ),
  maxSize: setting('--max-size', 'FERRY_MAX_SIZE', '0', 'Largest upload accepted (Tus-Max-Size), e.g. 10GiB. 0: no limit.', parseByteSize),
  uploadExpiresMs: setting(
    '--upload-expires-ms',
    'FERRY_UPLOAD_EXPIRES_MS',
    '604800000',
    'Unfinished uploads expire this long after creation (expiration extension). 0: never.',
    parseInteger(0),
  ),
  expirySweepMs: setting('--expiry-sweep-ms', 'FERRY_EXPIRY_SWEEP_MS', '3600000', 'How often expired unfinished uploads are deleted.', parseInteger(1000)),
  sync: setting(
    '--sync',
    'FERRY_SYNC',
    'interval',
    '"interval": fsync every sync interval and before completion; "always": fsync before every acknowledgement.',
    parseChoice(['interval', 'always'] as const),
  ),
  syncIntervalMs: setting(
    '--sync-interval-ms',
    'FERRY_SYNC_INTERVAL_MS',
    '1000',
    'Milliseconds between fsyncs of an upload that is being written.',
    parseInteger(1, 3_600_000),
  ),
  queueCapacity: setting(
    '--queue-capacity',
    'FERRY_QUEUE_CAPACITY',
    '64',
    "Chunks an upload's aggregator queues before its writer waits (backpressure).",
    parseInteger(1, 65_536),
  ),
  coalesceBytes: setting('--coalesce-bytes', 'FERRY_COALESCE_BYTES', '1MiB', 'Queued chunks are joined into writes of up to this size.', parseByteSize),
  idleCloseMs: setting(
    '--idle-close-ms',
    'FERRY_IDLE_CLOSE_MS',
    '30000',
    "An upload's file and aggregator close after this long without writes.",
    parseInteger(10),
  ),
  corsOrigins: setting('--cors-origins', 'FERRY_CORS_ORIGINS', '*', 'Origins allowed by CORS: "*" or a comma-separated list.', parseOrigins),
  auth: setting(
    '--auth',
    'FERRY_AUTH',
    'none',
    '"none": every request is anonymous (local use only); "jwt": /files and /imports need Authorization: Bearer <JWT>; "hook": FERRY_AUTH_HOOK_URL answers (docs/security.md).',
    parseAuthMode,
  ),
  jwtSecret: setting(
    '--jwt-secret',
    'FERRY_JWT_SECRET',
    '',
    'HS256 key source: the shared secret (at least 32 bytes). Prefer the variable to the flag. Never logged.',
    parseJwtSecret,
  ),
  jwtPublicKeyFile: setting(
    '--jwt-public-key-file',
    'FERRY_JWT_PUBLIC_KEY_FILE',
    '',
    'Key source: a PEM (SPKI) public key file, RSA (RS256), EC (ES256/384/512) or Ed25519 (EdDSA).',
    parseString,
  ),
  jwksUrl: setting(
    '--jwks-url',
    'FERRY_JWKS_URL',
    '',
    'Key source: a JWKS URL (https; http only on loopback), cached and fetched again for an unknown key id.',
    parseJwksUrl,
  ),
  jwtAlgorithms: setting(
    '--jwt-algorithms',
    'FERRY_JWT_ALGORITHMS',
    '',
    'Comma-separated JWS algorithms accepted. Empty: those of the key source (HS256; the key file type; JWKS: RS256, ES256, EdDSA).',
    parseJwtAlgorithms,
  ),
  jwtIssuer: setting('--jwt-issuer', 'FERRY_JWT_ISSUER', '', 'The iss a token must carry. Empty: not checked.', parseString),
  jwtAudience: setting('--jwt-audience', 'FERRY_JWT_AUDIENCE', '', 'The aud a token must carry. Empty: not checked.', parseString),
  authHookUrl: setting(
    '--auth-hook-url',
    'FERRY_AUTH_HOOK_URL',
    '',
    'FERRY_AUTH=hook: the URL ferry POSTs each /files and /imports request to (action, upload, forwarded headers) before acting.',
    parseHookUrl,
  ),
  authHookTimeoutMs: setting(
    '--auth-hook-timeout-ms',
    'FERRY_AUTH_HOOK_TIMEOUT_MS',
    '2000',
    'The longest wait for one hook answer; a timeout is tried once more, then the request is refused (503).',
    parseInteger(1, 60_000),
  ),
  authHookCacheMs: setting(
    '--auth-hook-cache-ms',
    'FERRY_AUTH_HOOK_CACHE_MS',
    '5000',
    'How long a hook answer is reused for the same credential, upload and action (creations are never reused). 0: never.',
    parseInteger(0, 3_600_000),
  ),
  authHookHeaders: setting(
    '--auth-hook-headers',
    'FERRY_AUTH_HOOK_HEADERS',
    'Authorization,Cookie',
    'Comma-separated request headers forwarded to the hook (their values are never logged).',
    parseHookHeaders,
  ),
  shutdownTimeoutMs: setting(
    '--shutdown-timeout-ms',
    'FERRY_SHUTDOWN_TIMEOUT_MS',
    '10000',
    'On SIGTERM/SIGINT, the longest wait for in-flight requests before exit.',
    parseInteger(0),
  ),
  schemasDir: setting('--schemas-dir', 'FERRY_SCHEMAS_DIR', './schemas', 'Directory of CSV import schemas (*.json), checked at start.', parseString),
  clientDir: setting(
    '--client-dir',
    'FERRY_CLIENT_DIR',
    '',
    "Directory of the built browser page served at / (npm run build:client). Empty: client/dist beside ferry's code.",
    parseString,
  ),
  databaseUrl: setting(
    '--database-url',
    'FERRY_DATABASE_URL',
    '',
    'PostgreSQL URL for imported rows. Empty: SQLite in the data dir (imports.sqlite). Never logged.',
    parseDatabaseUrl,
  ),
  ietfInterimResponses: setting(
    '--ietf-interim-responses',
    'FERRY_IETF_INTERIM_RESPONSES',
    'true',
    'Announce an IETF upload creation with a 104 interim response before its body is read. "false" behind a proxy that takes a 1xx for the final response (nginx: docs/deploy.md).',
    (raw) => parseChoice(['true', 'false'] as const)(raw) === 'true',
  ),
  redisUrl: setting(
    '--redis-url',
    'FERRY_REDIS_URL',
    '',
    'Redis URL (redis://host:6379/0): turns cluster mode on (docs/deploy.md); needs FERRY_DATABASE_URL and a shared data dir. Empty: one process, no Redis. Never logged.',
    parseRedisUrl,
  ),
  redisKeyPrefix: setting(
    '--redis-key-prefix',
    'FERRY_REDIS_KEY_PREFIX',
    'ferry:',
    'Prefix of every Redis key and channel ferry uses, so several ferry clusters can share one Redis.',
    parseString,
  ),
  instanceId: setting(
    '--instance-id',
    'FERRY_INSTANCE_ID',
    '',
    'Name of this instance in a cluster: the `instance` label of /metrics and the logs. Empty: <hostname>-<pid>.',
    parseString,
  ),
  lockLeaseMs: setting(
    '--lock-lease-ms',
    'FERRY_LOCK_LEASE_MS',
    '10000',
    'Cluster mode: how long an upload lock (and the leader lease) lives in Redis unless renewed; renewed every third of it. A holder that cannot renew stops writing before it runs out.',
    parseInteger(1000, 600_000),
  ),
  lockWaitMs: setting(
    '--lock-wait-ms',
    'FERRY_LOCK_WAIT_MS',
    '30000',
    "How long a request waits for an upload's lock (a holder is asked to let go at once) before 423 UPLOAD_LOCKED.",
    parseInteger(100, 600_000),
  ),
  importJobLeaseMs: setting(
    '--import-job-lease-ms',
    'FERRY_IMPORT_JOB_LEASE_MS',
    '30000',
    'Cluster mode: an import job whose instance stops renewing it for this long (it died) is taken by another instance and run again.',
    parseInteger(1000, 3_600_000),
  ),
  linkSecret: setting(
    '--link-secret',
    'FERRY_LINK_SECRET',
    '',
    'Key that signs download links (at least 32 characters). Empty: a random key per start, so links die at a restart. Never logged.',
    parseLinkSecret,
  ),
  linkTtlSeconds: setting(
    '--link-ttl-seconds',
    'FERRY_LINK_TTL_SECONDS',
    '300',
    'How long a signed download link (POST /files/<id>/link) stays valid.',
    parseInteger(1, 86_400),
  ),
  quotaBytes: setting(
    '--quota-bytes',
    'FERRY_QUOTA_BYTES',
    '0',
    "Bytes an owner's uploads may take together (declared lengths; received bytes while deferred), e.g. 10GiB. Anonymous uploads share one quota. 0: no limit.",
    parseByteSize,
  ),
  quotaUploads: setting('--quota-uploads', 'FERRY_QUOTA_UPLOADS', '0', 'Unfinished uploads an owner may have at once. 0: no limit.', parseInteger(0)),
  minFreeBytes: setting(
    '--min-free-bytes',
    'FERRY_MIN_FREE_BYTES',
    '64MiB',
    'Free space kept in the data directory: new uploads that would go below it are refused and bodies stop at it (507). 0: off.',
    parseByteSize,
  ),
  rateCreatesPerMinute: setting(
    '--rate-creates-per-minute',
    'FERRY_RATE_CREATES_PER_MINUTE',
    '0',
    'Uploads one owner (or anonymous client IP) may create per minute (429 beyond). 0: no limit.',
    parseInteger(0),
  ),
  rateRequestsPerSecond: setting(
    '--rate-requests-per-second',
    'FERRY_RATE_REQUESTS_PER_SECOND',
    '0',
    'Requests to /files and /imports one owner (or anonymous client IP) may make per second; PATCH and HEAD of its unfinished uploads are not counted. 0: no limit.',
    parseInteger(0),
  ),
  rateConcurrentPatches: setting(
    '--rate-concurrent-patches',
    'FERRY_RATE_CONCURRENT_PATCHES',
    '0',
    'Uploads one owner (or anonymous client IP) may write (PATCH) at the same time. 0: no limit.',
    parseInteger(0),
  ),
  rateAuthFailuresPerMinute: setting(
    '--rate-auth-failures-per-minute',
    'FERRY_RATE_AUTH_FAILURES_PER_MINUTE',
    '10',
    'Failed authentications one client IP may make per minute before it is refused (429) for the rest of the minute. 0: no limit.',
    parseInteger(0),
  ),
  maxConnections: setting(
    '--max-connections',
    'FERRY_MAX_CONNECTIONS',
    '0',
    'Open connections in total; keep it below the file-descriptor limit (ulimit -n) with room for upload files. 0: no cap.',
    parseInteger(0),
  ),
  maxConnectionsPerIp: setting(
    '--max-connections-per-ip',
    'FERRY_MAX_CONNECTIONS_PER_IP',
    '0',
    'Open connections from one client IP (behind a proxy every client has its address: leave 0 there). 0: no cap.',
    parseInteger(0),
  ),
  headersTimeoutMs: setting(
    '--headers-timeout-ms',
    'FERRY_HEADERS_TIMEOUT_MS',
    '60000',
    "Time a client has to send a request's headers (slowloris guard).",
    parseInteger(1000),
  ),
  idleTimeoutMs: setting(
    '--idle-timeout-ms',
    'FERRY_IDLE_TIMEOUT_MS',
    '120000',
    'A connection with no traffic at all for this long is closed (idle or stalled sockets; a slow upload that still sends is never cut). 0: never.',
    parseInteger(0),
  ),
  metricsToken: setting(
    '--metrics-token',
    'FERRY_METRICS_TOKEN',
    '',
    'When set, GET /metrics needs Authorization: Bearer <token>. Never logged. Empty: /metrics is open.',
    parseString,
  ),
  metricsPort: setting(
    '--metrics-port',
    'FERRY_METRICS_PORT',
    '',
    'Serve /metrics on this port of FERRY_METRICS_HOST only (and not on the main port). Empty: on the main port.',
    (raw): number | undefined => (raw.trim() === '' ? undefined : parseInteger(0, 65535)(raw)),
  ),
  metricsHost: setting('--metrics-host', 'FERRY_METRICS_HOST', '127.0.0.1', 'Address of the /metrics listener (with FERRY_METRICS_PORT).', parseString),
  logLevel: setting(
    '--log-level',
    'FERRY_LOG_LEVEL',
    'info',
    'pino log level.',
    parseChoice(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const),
  ),
};

export type SettingName = keyof typeof SETTINGS;
export type Config = { readonly [K in SettingName]: ReturnType<(typeof SETTINGS)[K]['parse']> };
