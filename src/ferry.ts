import type { Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { MemoryLocker, type Server as TusServer } from '@tus/server';
import type { Hono } from 'hono';
import type { Logger } from 'pino';
import type { Config } from './config/settings.js';
import { createSchemaRegistry, loadSchemasDir, type SchemaRegistry } from './csv/schema/index.js';
import { createApp } from './http/app.js';
import type { AppEnv } from './http/context.js';
import { createHttpServer } from './http/node-server.js';
import { createIetfHandlers } from './ietf/index.js';
import { createImportService, createLazySink, type ImportService } from './imports/index.js';
import { createSink } from './imports/sinks/index.js';
import { createLogger } from './logging/logger.js';
import { createMetrics, type Metrics } from './metrics/metrics.js';
import { FerryStore } from './store/ferry-store.js';
import { createTusServer } from './tus/create-tus-server.js';
import { createFinishUpload, type UploadFinishedCallback } from './tus/finish-upload.js';
import { createHeadHandler } from './tus/head-handler.js';
import { createPatchHandler } from './tus/patch-handler.js';
import { createPostHandler } from './tus/post-handler.js';

export interface FerryOptions {
  logger?: Logger;
  onUploadFinished?: UploadFinishedCallback;
}

export interface Ferry {
  app: Hono<AppEnv>;
  store: FerryStore;
  tus: TusServer;
  metrics: Metrics;
  logger: Logger;
  server: HttpServer;
  imports: ImportService;
  /**
   * Loads the import schemas from config.schemasDir (a bad one rejects with SCHEMA_INVALID,
   * every problem listed), assembles the final uploads a crash left unassembled though their
   * partial uploads are finished, resumes interrupted imports, then listens on config.host:config.port;
   * resolves with the base URL, e.g. http://127.0.0.1:1080. Automatic imports a crash lost
   * (finished uploads with `schema` metadata and no import) are found by a background scan
   * that recovery starts: listening does not wait for it.
   */
  listen(): Promise<string>;
  /**
   * Stops the expiry sweep, closes the server (in-flight requests end first), stops the
   * running import (rolled back; it runs again at the next start), then shuts the store
   * and the import database down.
   */
  close(): Promise<void>;
  /** /healthz answers 503 from now on. */
  setShuttingDown(): void;
}

/**
 * The composition root: store, tus server, our POST and PATCH handlers, the import service
 * (fed by every finished upload) with its sink, the hono app and its Node server.
 */
export function createFerry(config: Config, { logger = createLogger(config.logLevel), onUploadFinished }: FerryOptions = {}): Ferry {
  const metrics = createMetrics({ storeStats: () => store.stats() });
  const store = new FerryStore({
    directory: config.dataDir,
    expirationMs: config.uploadExpiresMs,
    syncIntervalMs: config.syncIntervalMs,
    syncAlways: config.sync === 'always',
    queueCapacity: config.queueCapacity,
    coalesceBytes: config.coalesceBytes,
    idleCloseMs: config.idleCloseMs,
    observer: { ...metrics.storeObserver, onError: (error, uploadId) => logger.error({ err: error, uploadId }, 'store error') },
  });
  // The schemas are loaded by listen(); until then there are none.
  let loadedSchemas = createSchemaRegistry([]);
  const schemas: SchemaRegistry = { get: (name) => loadedSchemas.get(name), list: () => loadedSchemas.list() };
  const sink = createLazySink(() => createSink({ dataDir: config.dataDir, databaseUrl: config.databaseUrl }));
  const imports = createImportService({ dataDir: config.dataDir, schemas, sink, store, logger });
  const locker = new MemoryLocker();
  const finishUpload = createFinishUpload({
    metrics,
    store,
    async onUploadFinished(upload) {
      await imports.onUploadFinished(upload);
      await onUploadFinished?.(upload);
    },
  });
  const tus = createTusServer({ config, store, locker, metrics });
  const handlePost = createPostHandler({ store, locker, maxSize: config.maxSize, publicUrl: config.publicUrl, finishUpload, events: tus });
  const handleHead = createHeadHandler({ store, locker });
  const handlePatch = createPatchHandler({ store, locker, maxSize: config.maxSize, finishUpload, events: tus });
  const ietf = createIetfHandlers({ store, locker, maxSize: config.maxSize, publicUrl: config.publicUrl, finishUpload, events: tus });
  const health = { shuttingDown: false };
  const app = createApp({ tus, handlePost, handleHead, handlePatch, ietf, store, metrics, logger, corsOrigins: config.corsOrigins, health, imports, schemas, clientDir: clientDirOf(config) });
  const server = createHttpServer(app);
  const stopSweep = config.uploadExpiresMs > 0 ? startExpirySweep(tus, config.expirySweepMs, logger) : () => undefined;

  return {
    app, store, tus, metrics, logger, server, imports,
    async listen() {
      loadedSchemas = await loadSchemasDir(config.schemasDir);
      const assembled = await store.recoverFinals();
      await imports.recover();
      for (const final of assembled) await finishUpload(final);
      return new Promise<string>((resolve, reject) => {
        server.once('error', reject);
        server.listen(config.port, config.host, () => {
          server.off('error', reject);
          resolve(baseUrlOf(server.address() as AddressInfo));
        });
      });
    },
    async close() {
      stopSweep();
      await new Promise<void>((resolve, reject) => {
        server.close((error) => (error && (error as NodeJS.ErrnoException).code !== 'ERR_SERVER_NOT_RUNNING' ? reject(error) : resolve()));
      });
      await imports.close();
      await store.shutdown();
      await sink.close();
    },
    setShuttingDown() {
      health.shuttingDown = true;
    },
  };
}

/** Deletes expired unfinished uploads every `intervalMs` (never two sweeps at once); returns the stop function. */
function startExpirySweep(tus: TusServer, intervalMs: number, logger: Logger): () => void {
  let sweeping = false;
  const timer = setInterval(() => {
    if (sweeping) return;
    sweeping = true;
    tus.cleanUpExpiredUploads().then(
      (deleted) => {
        if (deleted > 0) logger.info({ deleted }, 'expired uploads deleted');
      },
      (error: unknown) => logger.error({ err: error }, 'expiry sweep failed'),
    ).finally(() => {
      sweeping = false;
    });
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}

/** FERRY_CLIENT_DIR, or client/dist beside the code (src/ when run through tsx, dist/ when compiled). */
function clientDirOf(config: Config): string {
  return config.clientDir === '' ? path.resolve(import.meta.dirname, '../client/dist') : path.resolve(config.clientDir);
}

function baseUrlOf({ address, family, port }: AddressInfo): string {
  return `http://${family === 'IPv6' ? `[${address}]` : address}:${port}`;
}
