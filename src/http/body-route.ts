import type { Context } from 'hono';
import type { Metrics } from '../metrics/metrics.js';
import type { BodyRequest } from '../tus/upload-append.js';
import type { AppEnv } from './context.js';
import { errorResponse, toAppError, tusErrorHeaders } from './error-response.js';

const NO_BODY: AsyncIterable<Uint8Array> = { async *[Symbol.asyncIterator]() {} };

/** A tus handler that may read the request body (POST, PATCH), given the hono context for what it routes. */
export type BodyHandler = (c: Context<AppEnv>, body: BodyRequest) => Promise<Response>;

/**
 * A route for a handler that reads the body. The body is read straight from Node's
 * IncomingMessage (no web-stream round trip); `app.request()` has none, so the web body
 * stands in. Bytes are counted for the log and /metrics, errors become JSON tus errors, and
 * a response sent before the whole body arrived closes the connection: what is left of the
 * body is not worth reading just to keep it alive.
 */
export function createBodyRoute(metrics: Metrics, handle: BodyHandler) {
  return async function bodyRoute(c: Context<AppEnv>): Promise<Response> {
    const incoming = c.env?.incoming;
    let bytesIn = 0;
    let response: Response;
    try {
      response = await handle(c, {
        request: c.req.raw,
        // Leaving the iteration early must not destroy the socket: the response still has to go out.
        body: incoming ? { [Symbol.asyncIterator]: () => incoming.iterator({ destroyOnReturn: false }) } : (c.req.raw.body ?? NO_BODY),
        onBytesReceived: (bytes) => {
          bytesIn += bytes;
        },
        // Node has the request's trailers once its body has ended; app.request() has none.
        readTrailer: (name) => incoming?.trailers[name],
      });
    } catch (thrown) {
      const error = toAppError(thrown);
      if (error.status >= 500) c.set('errorCause', thrown);
      const createdLocation = c.get('createdLocation');
      response = errorResponse(error, createdLocation === undefined ? tusErrorHeaders(error) : { ...tusErrorHeaders(error), Location: createdLocation });
    }
    c.set('bytesIn', bytesIn);
    metrics.bytesReceived.inc(bytesIn);
    if (incoming && !incoming.complete) response.headers.set('Connection', 'close');
    return response;
  };
}
