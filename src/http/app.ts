import type { Server } from '@tus/server';
import { Hono, type Context } from 'hono';
import type { Logger } from 'pino';
import type { SchemaRegistry } from '../csv/schema/index.js';
import { appError } from '../errors/catalogue.js';
import type { IetfHandlers } from '../ietf/index.js';
import type { ImportService } from '../imports/index.js';
import type { Metrics } from '../metrics/metrics.js';
import type { HeadHandler } from '../tus/head-handler.js';
import type { PatchHandler } from '../tus/patch-handler.js';
import type { PostHandler } from '../tus/post-handler.js';
import { createAccessLog } from './access-log.js';
import { createClientRoutes } from './client-route.js';
import type { AppEnv } from './context.js';
import { createCors } from './cors.js';
import { createDownloadRoute, type DownloadStore } from './download-route.js';
import { createErrorHandler } from './error-handler.js';
import { errorResponse } from './error-response.js';
import { createHeadRoute } from './head-route.js';
import { createHealthRoute, type HealthState } from './health-route.js';
import { createIetfRoute } from './ietf-route.js';
import { createImportsRoutes } from './imports-routes.js';
import { createMethodOverride } from './method-override.js';
import { createMetricsRoute } from './metrics-route.js';
import { createNotFound } from './not-found.js';
import { createPatchRoute } from './patch-route.js';
import { createPostRoute } from './post-route.js';
import { createRequestId } from './request-id.js';
import { createRequestMetrics } from './request-metrics.js';
import { createSchemasRoutes } from './schemas-routes.js';
import { createTusRoute } from './tus-route.js';

export interface AppDeps {
  tus: Server;
  handlePost: PostHandler;
  handleHead: HeadHandler;
  handlePatch: PatchHandler;
  ietf: IetfHandlers;
  store: DownloadStore;
  metrics: Metrics;
  logger: Logger;
  corsOrigins: readonly string[];
  health: HealthState;
  imports: ImportService;
  schemas: SchemaRegistry;
  /** The built browser page served at / (client/dist). */
  clientDir: string;
}

/**
 * The hono app. Uploads: POST, HEAD and PATCH go to our handlers; DELETE and OPTIONS to
 * @tus/server; GET to our download route. /imports and /schemas are the CSV import API.
 * No bodyLimit or timeout middleware on /files: tus enforces sizes while streaming, and
 * uploads may take hours. / is the browser page (src/http/client-route.ts).
 */
export function createApp({ tus, handlePost, handleHead, handlePatch, ietf, store, metrics, logger, corsOrigins, health, imports, schemas, clientDir }: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.use(createMethodOverride(app), createRequestId(), createAccessLog({ logger }), createRequestMetrics(metrics), createCors({ origins: corsOrigins }));
  app.onError(createErrorHandler());
  app.notFound(createNotFound());

  const tusRoute = createTusRoute(tus);
  const postRoute = createPostRoute({ handlePost, metrics });
  const headRoute = createHeadRoute(handleHead);
  const patchRoute = createPatchRoute({ handlePatch, metrics });
  const downloadRoute = createDownloadRoute(store);

  app.get('/healthz', createHealthRoute(health));
  app.get('/metrics', createMetricsRoute(metrics.registry));

  // Requests with Upload-Draft-Interop-Version are IETF resumable uploads (src/ietf/); the rest tus.
  app.use('/files/*', createIetfRoute({ ietf, metrics }));
  app.on('POST', ['/files', '/files/'], postRoute);
  app.on('OPTIONS', ['/files', '/files/'], tusRoute);
  app.on(['DELETE', 'OPTIONS'], '/files/:id', tusRoute);
  app.patch('/files/:id', patchRoute);
  // hono answers HEAD with the GET route: HEAD is the tus offset, GET is the download.
  app.get('/files/:id', (c) => (c.req.method === 'HEAD' ? headRoute(c) : downloadRoute(c)));
  app.route('/imports', createImportsRoutes(imports));
  app.route('/schemas', createSchemasRoutes(schemas));
  app.route('/', createClientRoutes({ directory: clientDir }));
  for (const path of Object.keys(ALLOWED_METHODS)) app.all(path, methodNotAllowed);
  // Preflights for the other routes; the CORS middleware adds the headers.
  app.options('*', () => new Response(null, { status: 204 }));
  return app;
}

const ALLOWED_METHODS: Record<string, string> = {
  '/files': 'POST, OPTIONS',
  '/files/': 'POST, OPTIONS',
  '/files/:id': 'GET, HEAD, PATCH, DELETE, OPTIONS',
  '/imports': 'POST, OPTIONS',
  '/imports/:id': 'GET, HEAD, OPTIONS',
  '/imports/:id/errors': 'GET, HEAD, OPTIONS',
  '/imports/:id/errors.csv': 'GET, HEAD, OPTIONS',
  '/imports/:id/rejected-rows': 'GET, HEAD, OPTIONS',
  '/schemas': 'GET, HEAD, OPTIONS',
  '/schemas/:name': 'GET, HEAD, OPTIONS',
};

function methodNotAllowed(c: Context<AppEnv>): Response {
  return errorResponse(appError('HTTP_METHOD_NOT_ALLOWED'), { Allow: ALLOWED_METHODS[c.req.routePath] ?? 'OPTIONS' });
}
