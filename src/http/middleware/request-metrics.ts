import type { MiddlewareHandler } from 'hono';
import { type Metrics, methodLabel } from '../../metrics/metrics.js';
import type { AppEnv } from '../context.js';

/** Counts requests and times them to the response headers, by method and status. */
export function createRequestMetrics(metrics: Metrics): MiddlewareHandler<AppEnv> {
  return async function requestMetrics(c, next) {
    const stopTimer = metrics.requestDuration.startTimer();
    await next();
    const labels = { method: methodLabel(c.get('method') ?? c.req.method), status: String(c.res.status) };
    stopTimer(labels);
    metrics.requests.inc(labels);
  };
}
