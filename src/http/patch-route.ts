import type { Context } from 'hono';
import type { Metrics } from '../metrics/metrics.js';
import type { PatchHandler } from '../tus/patch-handler.js';
import { isUploadId } from '../tus/upload-id.js';
import type { AppEnv } from './context.js';
import { errorResponse, toAppError, tusErrorHeaders } from './error-response.js';

const NO_BODY: AsyncIterable<Uint8Array> = { async *[Symbol.asyncIterator]() {} };

export interface PatchRouteOptions {
  handlePatch: PatchHandler;
  metrics: Metrics;
}

/**
 * PATCH /files/:id through our handler. The body is read straight from Node's
 * IncomingMessage (no web-stream round trip); `app.request()` has none, so the web body
 * stands in. A response sent before the whole body arrived closes the connection: what
 * is left of the body is not worth reading just to keep it alive.
 */
export function createPatchRoute({ handlePatch, metrics }: PatchRouteOptions) {
  return async function patchRoute(c: Context<AppEnv>): Promise<Response> {
    const id = c.req.param('id');
    if (isUploadId(id)) c.set('uploadId', id);
    const incoming = c.env?.incoming;
    let bytesIn = 0;
    let response: Response;
    try {
      response = await handlePatch({
        request: c.req.raw,
        id,
        // Leaving the iteration early must not destroy the socket: the response still has to go out.
        body: incoming ? { [Symbol.asyncIterator]: () => incoming.iterator({ destroyOnReturn: false }) } : (c.req.raw.body ?? NO_BODY),
        onBytesReceived: (bytes) => {
          bytesIn += bytes;
        },
      });
    } catch (thrown) {
      const error = toAppError(thrown);
      if (error.status >= 500) c.set('errorCause', thrown);
      response = errorResponse(error, tusErrorHeaders(error));
    }
    c.set('bytesIn', bytesIn);
    metrics.bytesReceived.inc(bytesIn);
    if (incoming && !incoming.complete) response.headers.set('Connection', 'close');
    return response;
  };
}
