import type { MiddlewareHandler } from 'hono';
import { routePath } from 'hono/route';
import type { Logger } from 'pino';
import { logRequest } from '../../logging/logger.js';
import type { AppEnv } from '../context.js';

export interface AccessLogOptions {
  logger: Logger;
  now?: () => number;
}

/**
 * One log line per request, once its response is ready: request id, method, route, upload
 * id, status, duration and body bytes (counted where a route read the body, else Content-Length).
 * Headers and metadata are never logged.
 */
export function createAccessLog({ logger, now = () => performance.now() }: AccessLogOptions): MiddlewareHandler<AppEnv> {
  return async function accessLog(c, next) {
    const started = now();
    await next();
    const declaredLength = Number(c.req.header('content-length'));
    logRequest(
      logger,
      {
        requestId: c.get('requestId'),
        method: c.get('method') ?? c.req.method,
        route: routePath(c, -1),
        uploadId: c.get('uploadId'),
        status: c.res.status,
        durationMs: Math.round((now() - started) * 1000) / 1000,
        bytesIn: c.get('bytesIn') ?? (Number.isSafeInteger(declaredLength) ? declaredLength : 0),
      },
      c.get('errorCause'),
    );
  };
}
