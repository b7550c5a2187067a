import type { Context, MiddlewareHandler } from 'hono';
import type { AppError } from '../errors/app-error.js';
import { appError } from '../errors/catalogue.js';
import { ietfDialect, type IetfHandlers } from '../ietf/index.js';
import type { Metrics } from '../metrics/metrics.js';
import type { BodyRequest } from '../tus/upload-append.js';
import { TUS_PATH, uploadIdFromPath } from '../tus/upload-id.js';
import { createBodyRoute } from './body-route.js';
import type { AppEnv } from './context.js';
import { errorResponse, toAppError } from './error-response.js';
import { sendInterimResponse } from './interim-response.js';

export interface IetfRouteOptions {
  ietf: IetfHandlers;
  metrics: Metrics;
}

const COLLECTION_PATHS = new Set([TUS_PATH, `${TUS_PATH}/`]);

/**
 * /files/ speaks two protocols: a request with `Upload-Draft-Interop-Version` is an IETF
 * resumable upload request and is answered here; any other goes on to the tus routes.
 * Errors are our JSON errors with the IETF fields: `Upload-Complete: ?0` (the response is
 * about the upload, not from processing it) and, on 409, the correct `Upload-Offset`.
 */
export function createIetfRoute({ ietf, metrics }: IetfRouteOptions): MiddlewareHandler<AppEnv> {
  return async function ietfRoute(c, next) {
    const versionHeader = c.req.header('Upload-Draft-Interop-Version');
    if (versionHeader === undefined) return next();
    return guarded(c, () => {
      const dialect = ietfDialect(versionHeader);
      const method = c.req.method;
      const id = routedId(c);
      /** Creation and append read the body straight from the Node request (see body-route.ts). */
      const withBody = (handle: (body: BodyRequest) => Promise<Response>) => createBodyRoute(metrics, (_c, body) => guarded(c, () => handle(body)))(c);
      if (method === 'OPTIONS') return Promise.resolve(ietf.handleOptions(dialect));
      if (COLLECTION_PATHS.has(c.req.path)) {
        if (method !== 'POST') throw methodNotAllowed('POST, OPTIONS');
        return withBody((body) => ietf.handleCreation({
          ...body,
          dialect,
          onUploadCreated: (created) => c.set('uploadId', created),
          sendUploadResumptionSupported(fields) {
            const { incoming, outgoing } = c.env ?? {};
            if (incoming && outgoing) sendInterimResponse(incoming, outgoing, 104, 'Upload Resumption Supported', fields);
          },
        }));
      }
      const resource = { request: c.req.raw, dialect, id };
      if (method === 'HEAD' || method === 'GET') return ietf.handleOffsetRetrieval(resource);
      // Clients that cannot send PATCH (tus-js-client's overridePatchMethod) POST with X-HTTP-Method-Override.
      const override = c.req.header('X-HTTP-Method-Override')?.toUpperCase();
      if (method === 'PATCH' || (method === 'POST' && override === 'PATCH')) return withBody((body) => ietf.handleAppend({ ...body, dialect, id }));
      if (method === 'DELETE') return ietf.handleCancellation(resource);
      throw methodNotAllowed('GET, HEAD, PATCH, DELETE, OPTIONS');
    });
  };
}

/** The upload id of /files/<id> (raw, never decoded), noted for the access log; undefined for anything else. */
function routedId(c: Context<AppEnv>): string | undefined {
  const id = uploadIdFromPath(c.req.path, TUS_PATH);
  if (id !== undefined) c.set('uploadId', id);
  return id;
}

function methodNotAllowed(allow: string): AppError {
  return appError('HTTP_METHOD_NOT_ALLOWED', { details: { allow } });
}

async function guarded(c: Context<AppEnv>, handle: () => Promise<Response>): Promise<Response> {
  try {
    return await handle();
  } catch (thrown) {
    const error = toAppError(thrown);
    if (error.status >= 500) c.set('errorCause', thrown);
    return errorResponse(error, ietfErrorHeaders(error));
  }
}

function ietfErrorHeaders(error: AppError): Record<string, string> {
  const headers: Record<string, string> = { 'Upload-Complete': '?0' };
  // 409: the response MUST include the correct offset in the Upload-Offset header field.
  const offset = error.details?.offset;
  if (typeof offset === 'number') headers['Upload-Offset'] = String(offset);
  if (error.code === 'HTTP_METHOD_NOT_ALLOWED' && typeof error.details?.allow === 'string') headers.Allow = error.details.allow;
  return headers;
}
