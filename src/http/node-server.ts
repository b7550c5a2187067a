import { type Server, STATUS_CODES } from 'node:http';
import { createAdaptorServer } from '@hono/node-server';
import type { Hono } from 'hono';
import { capConnections } from '../limits/index.js';
import type { AppEnv } from './context.js';

export interface HttpServerOptions {
  /** Time allowed for a request's headers (slowloris guard). */
  headersTimeoutMs?: number;
  /** How long an idle keep-alive connection stays open. */
  keepAliveTimeoutMs?: number;
  /** A socket with no traffic at all for this long is closed (stalled or half-open clients). 0: never. */
  idleSocketTimeoutMs?: number;
  /** Open connections in total (FERRY_MAX_CONNECTIONS); 0: no cap. */
  maxConnections?: number;
  /** Open connections from one client address (FERRY_MAX_CONNECTIONS_PER_IP); 0: no cap. */
  maxConnectionsPerIp?: number;
}

// The status line of tus's own status code (checksum extension); Node would say "unknown".
STATUS_CODES[460] ??= 'Checksum Mismatch';

/**
 * The Node HTTP server for the app.
 *
 * - `requestTimeout: 0`: a 10 GB PATCH may take hours; only the headers are timed, and
 *   sockets that go silent.
 * - `autoCleanupIncoming: true` (the default, kept on purpose): after each response it
 *   drains a body nobody read to the end (up to 64 MiB or 500 ms, then the socket is
 *   closed), so keep-alive works after early error responses. Our POST and PATCH routes
 *   read `c.env.incoming` themselves and never touch the web body it would wrap.
 * - `overrideGlobalObjects` (default) keeps hono's light Request/Response: no copies.
 * - Connection caps (see capConnections): a flood of sockets, idle ones included, cannot use
 *   up the file descriptors; idle sockets go after `idleSocketTimeoutMs`, while a body that
 *   keeps sending, however slowly, is never cut.
 */
export function createHttpServer(
  app: Hono<AppEnv>,
  { headersTimeoutMs = 60_000, keepAliveTimeoutMs = 5_000, idleSocketTimeoutMs = 120_000, maxConnections = 0, maxConnectionsPerIp = 0 }: HttpServerOptions = {},
): Server {
  const server = createAdaptorServer({
    fetch: app.fetch,
    autoCleanupIncoming: true,
    serverOptions: { requestTimeout: 0, headersTimeout: headersTimeoutMs, keepAliveTimeout: keepAliveTimeoutMs },
  }) as Server;
  server.setTimeout(idleSocketTimeoutMs);
  capConnections(server, { maxConnections, maxConnectionsPerIp });
  return server;
}
