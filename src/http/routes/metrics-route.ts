import type { Context } from 'hono';
import type { Registry } from 'prom-client';
import type { AppEnv } from '../context.js';

/** GET /metrics: the registry in the Prometheus text format. */
export function createMetricsRoute(registry: Registry) {
  return async function metricsRoute(c: Context<AppEnv>): Promise<Response> {
    return c.body(await registry.metrics(), 200, { 'Content-Type': registry.contentType });
  };
}
