import { createHash, timingSafeEqual } from 'node:crypto';
import { type Context, Hono } from 'hono';
import type { Registry } from 'prom-client';
import { appError } from '../../errors/catalogue.js';
import type { AppEnv } from '../context.js';
import { createErrorHook } from '../error-hook.js';
import { errorResponse } from '../error-response.js';
import { createNotFound } from './not-found.js';

export interface MetricsRouteOptions {
  /** FERRY_METRICS_TOKEN: when set, the request must carry `Authorization: Bearer <token>`. */
  token?: string;
}

/** GET /metrics: the registry in the Prometheus text format, behind the metrics token if one is set. */
export function createMetricsRoute(registry: Registry, { token = '' }: MetricsRouteOptions = {}) {
  const expected = token === '' ? undefined : digest(token);
  return async function metricsRoute(c: Context<AppEnv>): Promise<Response> {
    if (expected !== undefined && !timingSafeEqual(digest(bearerOf(c.req.header('Authorization'))), expected)) {
      return errorResponse(appError('METRICS_AUTH_REQUIRED'), { 'WWW-Authenticate': 'Bearer realm="metrics"' });
    }
    return c.body(await registry.metrics(), 200, { 'Content-Type': registry.contentType });
  };
}

function bearerOf(authorization: string | undefined): string {
  const match = /^Bearer +(\S+)\s*$/i.exec(authorization ?? '');
  return match?.[1] ?? '';
}

/** Both sides hashed, so the comparison takes the same time whatever the lengths. */
function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

/** An app that serves only GET /metrics, for a listener of its own (FERRY_METRICS_PORT). */
export function createMetricsApp(registry: Registry, options: MetricsRouteOptions = {}): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.onError(createErrorHook());
  app.notFound(createNotFound());
  app.get('/metrics', createMetricsRoute(registry, options));
  return app;
}
