import { randomUUID } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../context.js';

export interface RequestIdOptions {
  header?: string;
  /** A client's id is kept when it passes this test: short, and nothing that could forge a log line. */
  isAcceptable?: (value: string) => boolean;
  generate?: () => string;
}

const SANE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Sets `c.get('requestId')` and echoes it in the response header. */
export function createRequestId({
  header = 'X-Request-Id',
  isAcceptable = (value) => SANE_REQUEST_ID.test(value),
  generate = randomUUID,
}: RequestIdOptions = {}): MiddlewareHandler<AppEnv> {
  return async function requestId(c, next) {
    const offered = c.req.header(header);
    const id = offered !== undefined && isAcceptable(offered) ? offered : generate();
    c.set('requestId', id);
    await next();
    c.res.headers.set(header, id);
  };
}
