import type { Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Hono } from 'hono';
import type { Logger } from 'pino';
import { type Authenticate, createAuthenticator, createAuthorizer } from './auth/authenticator.js';
import { type ClusterMode, createClusterMode } from './cluster/cluster-mode.js';
import { instanceIdOf, instanceLogFields } from './cluster/instance-id.js';
import { type Leadership, NOT_CONTENDING, SOLE_LEADER } from './cluster/leadership.js';
import { redisReady } from './cluster/redis-connection.js';
import { isLoopbackHost } from './config/auth-parsers.js';
import type { Config } from './config/settings.js';
import { createSchemaRegistry, loadSchemasDir, type SchemaRegistry } from './csv/schema/index.js';
import { createApp } from './http/app.js';
import type { Authorize } from './http/authorize.js';
import type { AppEnv } from './http/context.js';
import { createDownloadLinks } from './http/files/download-links.js';
import { createHttpServer } from './http/node-server.js';
import { createMetricsApp } from './http/routes/metrics-route.js';
import { createImportService, createLazySink, type ImportService } from './imports/index.js';
import { createSink } from './imports/sinks/index.js';
import { createLimits, type Limits, type LimitsOptions, type SharedQuotaLedger, statfsFreeSpace, storedUploads } from './limits/index.js';
import { createLogger } from './logging/logger.js';
import { createMetrics, type Metrics } from './metrics/metrics.js';
import { createIetfHandlers } from './protocols/ietf/index.js';
import { createTusHandlers } from './protocols/tus/index.js';
import { FerryStore } from './store/ferry-store.js';
import { createUploadEngine, type UploadEngine } from './uploads/engine.js';
import { createUploadEvents, type UploadEvents } from './uploads/events.js';
import { startExpirySweep } from './uploads/expiry-sweep.js';
import { createMemoryLocker, type MemoryLocker } from './uploads/memory-locker.js';
import type { Upload } from './uploads/upload.js';

/** Called once an upload (not a partial one: that is only a piece of a file) is finished. */
export type UploadFinishedCallback = (upload: Upload) => void | Promise<void>;

export interface FerryOptions {
  logger?: Logger;
  onUploadFinished?: UploadFinishedCallback;
  /** How long a request body may go on after another request asked for its upload's lock (default 1 s). */
  lockDrainTimeoutMs?: number;
  /** Who each /files and /imports request speaks for; default: what FERRY_AUTH and the FERRY_JWT_* settings ask for (src/auth/authenticator.ts). */
  authenticate?: Authenticate;
  /** The authorization seam (src/http/authorize.ts); default: the token's action, size and schema claims. */
  authorize?: Authorize;
  /** Overrides of the limits built from config (tests: shorter windows, an injected free-space function). */
  limits?: Partial<LimitsOptions>;
}

export interface Ferry {
  app: Hono<AppEnv>;
  store: FerryStore;
  /** The upload engine both protocols run on. */
  engine: UploadEngine;
  /** created, progress, finished, terminated, expired. */
  events: UploadEvents;
  /** The in-process upload locker (its `waiting(id)` shows queued requests). */
  locker: MemoryLocker;
  metrics: Metrics;
  logger: Logger;
  server: HttpServer;
  /** Quotas, the disk guard, rate limits; `recordAuthFailure`/`checkAuthFailures` for authentication. Shared through Redis in a cluster. */
  limits: Limits | Limits<SharedQuotaLedger>;
  /** The /metrics listener of its own, with FERRY_METRICS_PORT (listening once `listen()` resolved). */
  metricsServer: HttpServer | undefined;
  imports: ImportService;
  /**
   * Loads the import schemas from config.schemasDir (a bad one rejects with SCHEMA_INVALID,
   * every problem listed), runs start-up recovery (assembles the final uploads a crash left
   * unassembled though their partial uploads are finished, rebuilds the quota ledger, resumes
   * interrupted imports), then listens on config.host:config.port (a warning when that is beyond
   * loopback without authentication); resolves with the base URL, e.g. http://127.0.0.1:1080.
   * Automatic imports a crash lost (finished uploads with `schema` metadata and no import) are
   * found by a background scan that recovery starts: listening does not wait for it.
   * In cluster mode (FERRY_REDIS_URL) this instance contends for the leader lease instead, and
   * recovery runs each time it is elected, not before listening.
   */
  listen(): Promise<string>;
  /**
   * Stops the expiry sweep, gives leadership up (a recovery under way ends first), closes the
   * server (in-flight requests end first), stops the running import (rolled back; it runs again
   * at the next start), then shuts the store, the import database and the Redis connection down.
   */
  close(): Promise<void>;
  /** /healthz and /readyz answer 503 from now on. */
  setShuttingDown(): void;
}

/**
 * The composition root: store, locker, events and the upload engine; the tus and IETF
 * handlers on it; the import service (fed by every finished upload) with its sink; the hono
 * app and its Node server.
 */
export function createFerry(
  config: Config,
  {
    logger = createLogger(config.logLevel, undefined, instanceLogFields(config)),
    onUploadFinished,
    lockDrainTimeoutMs,
    authenticate = createAuthenticator(config),
    authorize = createAuthorizer(config),
    limits: limitOverrides,
  }: FerryOptions = {},
): Ferry {
  const metrics = createMetrics({ storeStats: () => store.stats(), instance: config.redisUrl === '' ? undefined : instanceIdOf(config) });
  const store = new FerryStore({
    directory: config.dataDir,
    expirationMs: config.uploadExpiresMs,
    syncIntervalMs: config.syncIntervalMs,
    syncAlways: config.sync === 'always',
    queueCapacity: config.queueCapacity,
    coalesceBytes: config.coalesceBytes,
    idleCloseMs: config.idleCloseMs,
    observer: {
      ...metrics.storeObserver,
      onError: (error, uploadId) => logger.error({ err: error, uploadId }, 'store error'),
      onUploadDamaged(report) {
        metrics.storeObserver.onUploadDamaged?.(report);
        const { uploadId, error, quarantinedTo } = report;
        // The cause's name or errno code only: a JSON parse error's message quotes the file, metadata values included.
        const cause = error.cause as NodeJS.ErrnoException | undefined;
        const fields = { uploadId, code: error.code, cause: cause?.code ?? cause?.name, quarantinedTo };
        logger.warn(fields, quarantinedTo === undefined ? 'damaged upload refused' : 'damaged upload quarantined');
      },
    },
  });
  // The schemas are loaded by listen(); until then there are none.
  let loadedSchemas = createSchemaRegistry([]);
  const schemas: SchemaRegistry = { get: (name) => loadedSchemas.get(name), list: () => loadedSchemas.list() };
  const sink = createLazySink(() => createSink({ dataDir: config.dataDir, databaseUrl: config.databaseUrl }));
  // Cluster mode (FERRY_REDIS_URL): Redis locks, leader lease and counters, BullMQ imports (src/cluster/cluster-mode.ts).
  const cluster: ClusterMode | undefined = config.redisUrl === '' ? undefined : createClusterMode(config, { store, logger, metrics });
  const imports = createImportService({ dataDir: config.dataDir, schemas, sink, store, logger, createQueue: cluster?.createImportQueue });

  const events = createUploadEvents();
  events.on('created', () => metrics.uploadsCreated.inc());
  events.on('terminated', () => metrics.uploadsTerminated.inc());
  events.on('expired', (deleted) => logger.info({ deleted }, 'expired uploads deleted'));
  // In order, each awaited before the request that finished the upload is answered.
  events.on('finished', () => metrics.uploadsFinished.inc());
  events.on('finished', async (upload) => {
    // A partial upload is only a piece of a file: nothing to import or call back for.
    if (upload.concat?.kind === 'partial') return;
    await imports.onUploadFinished(upload);
    await onUploadFinished?.(upload);
  });
  const limitOptions = {
    quotaBytes: config.quotaBytes,
    quotaUploads: config.quotaUploads,
    minFreeBytes: config.minFreeBytes,
    freeSpace: statfsFreeSpace(config.dataDir),
    createsPerMinute: config.rateCreatesPerMinute,
    requestsPerSecond: config.rateRequestsPerSecond,
    concurrentPatches: config.rateConcurrentPatches,
    authFailuresPerMinute: config.rateAuthFailuresPerMinute,
    ...limitOverrides,
  };
  const limits =
    cluster === undefined
      ? createLimits(limitOptions)
      : createLimits(limitOptions, { redis: cluster.redis, keyPrefix: config.redisKeyPrefix, storedUploads: () => storedUploads(config.dataDir, store) });
  limits.follow(events, store);
  // No request limit configured: no rate-limit middleware on the request path at all.
  const rateLimited = limitOptions.requestsPerSecond > 0 || limitOptions.createsPerMinute > 0 || limitOptions.concurrentPatches > 0;
  const locker = cluster?.locker ?? createMemoryLocker();
  const engine = createUploadEngine({ store, locker, events, lockDrainTimeoutMs, admission: limits.admission });
  const tus = createTusHandlers(engine, { maxSize: config.maxSize, publicUrl: config.publicUrl });
  const ietf = createIetfHandlers({ engine, maxSize: config.maxSize, publicUrl: config.publicUrl, interimResponses: config.ietfInterimResponses });
  const health = { shuttingDown: false };
  let leadership: Leadership = cluster === undefined ? SOLE_LEADER : NOT_CONTENDING;
  const app = createApp({
    tus,
    ietf,
    store,
    metrics,
    logger,
    corsOrigins: config.corsOrigins,
    health,
    readinessChecks: cluster?.readinessChecks,
    imports,
    schemas,
    clientDir: clientDirOf(config),
    authenticate,
    authorize,
    links: createDownloadLinks({ secret: config.linkSecret, ttlSeconds: config.linkTtlSeconds, publicUrl: config.publicUrl }),
    rateLimit: rateLimited ? { limits: limits.requests, isUnfinished: limits.ledger.isUnfinished } : undefined,
    metricsToken: config.metricsToken,
    serveMetrics: config.metricsPort === undefined,
    authFailures: limits,
  });
  const server = createHttpServer(app, {
    headersTimeoutMs: config.headersTimeoutMs,
    idleSocketTimeoutMs: config.idleTimeoutMs,
    maxConnections: config.maxConnections,
    maxConnectionsPerIp: config.maxConnectionsPerIp,
  });
  const metricsServer = config.metricsPort === undefined ? undefined : createHttpServer(createMetricsApp(metrics.registry, { token: config.metricsToken }));
  const stopSweep =
    config.uploadExpiresMs > 0
      ? startExpirySweep({
          store,
          events,
          intervalMs: config.expirySweepMs,
          isLeader: () => leadership.isLeader(),
          onSwept: (deleted) => logger.info({ deleted }, 'expiry sweep done'),
          onError: (error) => logger.error({ err: error }, 'expiry sweep failed'),
        })
      : () => undefined;

  /** Start-up recovery, on the leader only: final uploads a crash left unassembled, the quota ledger, interrupted and missed imports. */
  async function recoverAtStart(): Promise<void> {
    const assembled = await store.recoverFinals();
    await limits.rebuild(storedUploads(config.dataDir, store));
    await imports.recover();
    for (const final of assembled) await engine.finishUpload(final);
    logger.info({ assembled: assembled.length }, 'start-up recovery done');
  }

  return {
    app,
    store,
    engine,
    events,
    locker,
    metrics,
    logger,
    server,
    limits,
    metricsServer,
    imports,
    async listen() {
      loadedSchemas = await loadSchemasDir(config.schemasDir);
      if (cluster === undefined) await recoverAtStart();
      else {
        // Redis away at start: serve anyway (503s, /readyz says so) and recover once it answers.
        await redisReady(cluster.redis).catch(() => logger.warn('Redis not reachable yet: cluster requests answer 503 until it is'));
        leadership = cluster.lead(recoverAtStart);
      }
      if (metricsServer !== undefined) await listenOn(metricsServer, config.metricsPort ?? 0, config.metricsHost);
      const url = await listenOn(server, config.port, config.host);
      if (servesOthersUnauthenticated(config)) logger.warn({ url, host: config.host }, UNAUTHENTICATED_WARNING);
      return url;
    },
    async close() {
      stopSweep();
      await leadership.close();
      await Promise.all([closeServer(server), metricsServer === undefined ? undefined : closeServer(metricsServer)]);
      await imports.close();
      await store.shutdown();
      await sink.close();
      await cluster?.close();
    },
    setShuttingDown() {
      health.shuttingDown = true;
    },
  };
}

/** Logged at warn when ferry listens beyond this machine with FERRY_AUTH=none; the CLI prints it on stderr too. */
export const UNAUTHENTICATED_WARNING =
  'authentication is off (FERRY_AUTH=none) and ferry listens beyond this machine: anyone who reaches it can upload, download and delete; set FERRY_AUTH=jwt (docs/security.md)';

/** FERRY_AUTH=none on an address other machines can reach (0.0.0.0, ::, a LAN address): everyone is anonymous and sees everything. */
export function servesOthersUnauthenticated(config: Pick<Config, 'auth' | 'host'>): boolean {
  return config.auth === 'none' && !isLoopbackHost(config.host);
}

/** FERRY_CLIENT_DIR, or client/dist beside the code (src/ when run through tsx, dist/ when compiled). */
function clientDirOf(config: Config): string {
  return config.clientDir === '' ? path.resolve(import.meta.dirname, '../client/dist') : path.resolve(config.clientDir);
}

/** Listens; resolves with the base URL, e.g. http://127.0.0.1:1080. */
function listenOn(server: HttpServer, port: number, host: string): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(baseUrlOf(server.address() as AddressInfo));
    });
  });
}

/** Closes (in-flight requests end first); a server that never listened is closed already. */
function closeServer(server: HttpServer): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.close((error) => (error && (error as NodeJS.ErrnoException).code !== 'ERR_SERVER_NOT_RUNNING' ? reject(error) : resolve()));
  });
}

function baseUrlOf({ address, family, port }: AddressInfo): string {
  return `http://${family === 'IPv6' ? `[${address}]` : address}:${port}`;
}
