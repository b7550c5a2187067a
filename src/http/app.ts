import { Hono } from 'hono';
import type { Logger } from 'pino';
import { type Authenticate, authenticateNobody } from '../auth/authenticator.js';
import type { SchemaRegistry } from '../csv/schema/index.js';
import type { ImportService } from '../imports/index.js';
import type { AuthFailureLimit } from '../limits/auth-failures.js';
import type { Metrics } from '../metrics/metrics.js';
import type { IetfHandlers } from '../protocols/ietf/index.js';
import type { TusHandlers } from '../protocols/tus/index.js';
import { type Authorize, authorizeClaims } from './authorize.js';
import type { AppEnv } from './context.js';
import { createErrorHook } from './error-hook.js';
import type { DownloadLinks } from './files/download-links.js';
import { createFilesRoute } from './files/files-route.js';
import { createImportsRoutes } from './imports-routes.js';
import { createAccessLog } from './middleware/access-log.js';
import { createAuthenticate } from './middleware/authenticate.js';
import { createAuthorizeImports } from './middleware/authorize-imports.js';
import { createCors } from './middleware/cors.js';
import { createRateLimit, type RateLimitOptions } from './middleware/rate-limit.js';
import { createRequestId } from './middleware/request-id.js';
import { createRequestMetrics } from './middleware/request-metrics.js';
import { createClientRoutes } from './routes/client-route.js';
import { createDownloadRoute, type DownloadStore } from './routes/download-route.js';
import { createHealthRoute, type HealthState } from './routes/health-route.js';
import { createLinkRoute } from './routes/link-route.js';
import { API_ALLOWED_METHODS, createMethodNotAllowed } from './routes/method-not-allowed.js';
import { createMetricsRoute } from './routes/metrics-route.js';
import { createNotFound } from './routes/not-found.js';
import { createReadyRoute, type ReadinessCheck } from './routes/ready-route.js';
import { createSchemasRoutes } from './routes/schemas-routes.js';

export interface AppDeps {
  tus: TusHandlers;
  ietf: IetfHandlers;
  store: DownloadStore;
  metrics: Metrics;
  logger: Logger;
  corsOrigins: readonly string[];
  health: HealthState;
  /** What /readyz asks (cluster mode: Redis and PostgreSQL); none: ready unless shutting down. */
  readinessChecks?: readonly ReadinessCheck[];
  imports: ImportService;
  schemas: SchemaRegistry;
  /** The built browser page served at / (client/dist). */
  clientDir: string;
  /** Who a /files or /imports request speaks for (src/auth/authenticator.ts); default: everyone is anonymous. */
  authenticate?: Authenticate;
  /** The authorization seam (see authorize.ts); default: the token's action, size and schema claims. */
  authorize?: Authorize;
  /** Signed download links (POST /files/<id>/link, and GET /files/<id> presenting one). */
  links: DownloadLinks;
  /** Rate limits of /files and /imports (src/limits); none when absent. */
  rateLimit?: RateLimitOptions;
  /** FERRY_METRICS_TOKEN: /metrics needs it as a Bearer token; empty: open. */
  metricsToken?: string;
  /** False when /metrics has a listener of its own (FERRY_METRICS_PORT). */
  serveMetrics?: boolean;
  /** Failed authentications per client IP (src/limits): refused with 429 beyond the limit. */
  authFailures?: AuthFailureLimit;
}

/**
 * The hono app. /files (tus and IETF resumable uploads, every method) goes through one
 * route table (files/files-route.ts); /imports and /schemas are the CSV import API.
 * No bodyLimit or timeout middleware on /files: sizes are enforced while streaming, and
 * uploads may take hours. / is the browser page. Every error goes through the error hook.
 */
export function createApp({
  tus,
  ietf,
  store,
  metrics,
  logger,
  corsOrigins,
  health,
  readinessChecks = [],
  imports,
  schemas,
  clientDir,
  authenticate = authenticateNobody,
  authorize = authorizeClaims,
  links,
  rateLimit,
  metricsToken = '',
  serveMetrics = true,
  authFailures,
}: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.use(createRequestId(), createAccessLog({ logger }), createRequestMetrics(metrics), createCors({ origins: corsOrigins }));
  app.onError(createErrorHook());
  app.notFound(createNotFound());

  app.get('/healthz', createHealthRoute(health));
  app.get('/readyz', createReadyRoute({ health, checks: readinessChecks }));
  if (serveMetrics) app.get('/metrics', createMetricsRoute(metrics.registry, { token: metricsToken }));
  // Authentication covers the upload and import APIs; /, /healthz, /readyz and /schemas (public metadata: names and columns) need none.
  // Rate limits run after it, so an owner is one subject wherever it connects from.
  const limit = rateLimit === undefined ? [] : [createRateLimit(rateLimit)];
  const filesRoute = createFilesRoute({ tus, ietf, download: createDownloadRoute(store), link: createLinkRoute({ store, links }), links, metrics, authorize });
  const authenticateUploads = createAuthenticate(authenticate, { uploads: true, failures: authFailures });
  for (const path of ['/files', '/files/', '/files/:id', '/files/:id/link']) app.all(path, authenticateUploads, ...limit, filesRoute);
  for (const path of ['/imports', '/imports/*']) app.use(path, createAuthenticate(authenticate, { failures: authFailures }), ...limit);
  app.use('/imports', createAuthorizeImports(authorize));
  app.use('/imports/*', createAuthorizeImports(authorize));
  app.route('/imports', createImportsRoutes(imports));
  app.route('/schemas', createSchemasRoutes(schemas));
  app.route('/', createClientRoutes({ directory: clientDir }));
  const methodNotAllowed = createMethodNotAllowed();
  for (const path of Object.keys(API_ALLOWED_METHODS)) app.all(path, methodNotAllowed);
  // Preflights for the other routes; the CORS middleware adds the headers.
  app.options('*', () => new Response(null, { status: 204 }));
  return app;
}
