import type { Context } from 'hono';
import { appError } from '../../errors/catalogue.js';
import type { IetfHandlers } from '../../protocols/ietf/index.js';
import { ietfDialect, type IetfDialect } from '../../protocols/ietf/index.js';
import type { TusHandlers } from '../../protocols/tus/index.js';
import type { BodyRequest } from '../../uploads/append.js';
import { UPLOADS_PATH, uploadIdFromPath } from '../../uploads/upload-id.js';
import type { Metrics } from '../../metrics/metrics.js';
import type { Authorize } from '../authorize.js';
import type { AppEnv } from '../context.js';
import { sendInterimResponse } from '../interim-response.js';
import type { DownloadRoute } from '../routes/download-route.js';
import { allowedMethods, type FilesRouteTable, type FilesTarget } from './route-table.js';

/** One /files request as a protocol's handler gets it. */
export interface FilesCall {
  c: Context<AppEnv>;
  headers: Headers;
  signal: AbortSignal;
  id: string | undefined;
  /** Set for handlers that read the body. */
  body: BodyRequest | undefined;
}

type TusCall = (call: FilesCall) => Promise<Response>;
type IetfCall = (call: FilesCall, dialect: IetfDialect) => Promise<Response>;

export interface FilesRouteOptions {
  tus: TusHandlers;
  ietf: IetfHandlers;
  download: DownloadRoute;
  metrics: Metrics;
  authorize: Authorize;
}

const OVERRIDE_HEADER = 'X-HTTP-Method-Override';
/** An HTTP method is a token (RFC 9110); anything else in the header is ignored. */
const METHOD_TOKEN = /^[A-Za-z]{1,16}$/;
const NO_BODY: AsyncIterable<Uint8Array> = { async *[Symbol.asyncIterator]() {} };

/**
 * The one route table of /files: for each resource and method, the tus handler, the IETF
 * handler, the action (for authorization) and whether the body is read. 405 and Allow come
 * from it; so does X-HTTP-Method-Override.
 */
export function createFilesRouteTable({ tus, ietf, download }: Pick<FilesRouteOptions, 'tus' | 'ietf' | 'download'>): FilesRouteTable<TusCall, IetfCall> {
  return {
    collection: {
      POST: {
        readsBody: true,
        tus: { action: 'create', handle: ({ c, headers, body }) => tus.handlePost({ headers, id: undefined, ...body!, onUploadCreated: (id, location) => {
          c.set('uploadId', id);
          c.set('createdLocation', location);
        } }) },
        ietf: { action: 'create', handle: ({ c, headers, body }, dialect) => ietf.handleCreation({
          headers, dialect, id: undefined, ...body!,
          onUploadCreated: (id) => c.set('uploadId', id),
          sendUploadResumptionSupported(fields) {
            const { incoming, outgoing } = c.env ?? {};
            if (incoming && outgoing) sendInterimResponse(incoming, outgoing, 104, 'Upload Resumption Supported', fields);
          },
        }) },
      },
      OPTIONS: {
        readsBody: false,
        tus: { action: 'options', handle: () => tus.handleOptions() },
        ietf: { action: 'options', handle: async (_call, dialect) => ietf.handleOptions(dialect) },
      },
    },
    upload: {
      GET: {
        readsBody: false,
        tus: { action: 'download', handle: ({ c, id }) => download(c, id) },
        ietf: { action: 'read-offset', handle: ({ headers, signal, id }, dialect) => ietf.handleOffsetRetrieval({ headers, signal, id, dialect }) },
      },
      HEAD: {
        readsBody: false,
        tus: { action: 'read-offset', handle: ({ headers, signal, id }) => tus.handleHead({ headers, signal, id }) },
        ietf: { action: 'read-offset', handle: ({ headers, signal, id }, dialect) => ietf.handleOffsetRetrieval({ headers, signal, id, dialect }) },
      },
      PATCH: {
        readsBody: true,
        tus: { action: 'resume', handle: ({ headers, id, body }) => tus.handlePatch({ headers, id, ...body! }) },
        ietf: { action: 'resume', handle: ({ headers, id, body }, dialect) => ietf.handleAppend({ headers, id, dialect, ...body! }) },
      },
      DELETE: {
        readsBody: false,
        tus: { action: 'delete', handle: ({ headers, signal, id }) => tus.handleDelete({ headers, signal, id }) },
        ietf: { action: 'delete', handle: ({ headers, signal, id }, dialect) => ietf.handleCancellation({ headers, signal, id, dialect }) },
      },
      OPTIONS: {
        readsBody: false,
        tus: { action: 'options', handle: () => tus.handleOptions() },
        ietf: { action: 'options', handle: async (_call, dialect) => ietf.handleOptions(dialect) },
      },
    },
  };
}

/**
 * /files, /files/ and /files/<id>, both protocols: a request with
 * `Upload-Draft-Interop-Version` is an IETF resumable upload request, any other tus. The
 * table resolves protocol, action and upload id, the authorization seam sees them, then the
 * handler runs. Handlers throw; the app's error hook answers with that protocol's headers.
 */
export function createFilesRoute(options: FilesRouteOptions) {
  const table = createFilesRouteTable(options);
  const { metrics, authorize } = options;

  return async function filesRoute(c: Context<AppEnv>): Promise<Response> {
    const method = requestMethod(c);
    const target: FilesTarget = c.req.path === UPLOADS_PATH || c.req.path === `${UPLOADS_PATH}/` ? 'collection' : 'upload';
    // The id is taken raw from the path (never percent-decoded); an invalid one is no id.
    const id = target === 'upload' ? uploadIdFromPath(c.req.path, UPLOADS_PATH) : undefined;
    if (id !== undefined) c.set('uploadId', id);
    c.set('allow', allowedMethods(table, target));

    const versionHeader = c.req.header('Upload-Draft-Interop-Version');
    // IETF errors, even a bad version, carry the IETF fields; tus ones once a handler is routed to.
    if (versionHeader !== undefined) c.set('protocol', 'ietf');
    const dialect = versionHeader === undefined ? undefined : ietfDialect(versionHeader);
    const route = table[target][method];
    if (route === undefined) throw appError('HTTP_METHOD_NOT_ALLOWED', dialect === undefined ? {} : { details: { allow: c.get('allow') } });
    const protocolRoute = dialect === undefined ? route.tus : route.ietf;
    // A tus download is plain HTTP: its errors carry no tus headers.
    if (dialect === undefined && protocolRoute.action !== 'download') c.set('protocol', 'tus');
    const scope = { kind: 'upload', protocol: dialect === undefined ? 'tus' : 'ietf', action: protocolRoute.action, uploadId: id } as const;
    c.set('uploadScope', scope);
    await authorize(scope, c.req.raw.headers);

    const call: FilesCall = { c, headers: c.req.raw.headers, signal: c.req.raw.signal, id, body: undefined };
    if (!route.readsBody) return dialect === undefined ? route.tus.handle(call) : route.ietf.handle(call, dialect);
    return withBody(c, call, (withBodyCall) => (dialect === undefined ? route.tus.handle(withBodyCall) : route.ietf.handle(withBodyCall, dialect)));
  };

  /**
   * Runs a handler that reads the body. The body is read straight from Node's
   * IncomingMessage (no web-stream round trip); `app.request()` has none, so the web body
   * stands in. Bytes are counted for the log and /metrics, and a response sent before the
   * whole body arrived closes the connection: what is left of it is not worth reading.
   */
  async function withBody(c: Context<AppEnv>, call: FilesCall, handle: (call: FilesCall) => Promise<Response>): Promise<Response> {
    const incoming = c.env?.incoming;
    let bytesIn = 0;
    c.set('bodyIncomplete', () => incoming !== undefined && !incoming.complete);
    try {
      const response = await handle({
        ...call,
        body: {
          signal: call.signal,
          // Leaving the iteration early must not destroy the socket: the response still has to go out.
          body: incoming ? { [Symbol.asyncIterator]: () => incoming.iterator({ destroyOnReturn: false }) } : (c.req.raw.body ?? NO_BODY),
          onBytesReceived: (bytes) => {
            bytesIn += bytes;
          },
          // Node has the request's trailers once its body has ended; app.request() has none.
          readTrailer: (name) => incoming?.trailers[name],
        },
      });
      if (incoming && !incoming.complete) response.headers.set('Connection', 'close');
      return response;
    } finally {
      c.set('bytesIn', bytesIn);
      metrics.bytesReceived.inc(bytesIn);
    }
  }
}

/**
 * The method the request stands for. tus 1.0.0: if a request carries
 * X-HTTP-Method-Override, the Server MUST use its value as the request method (for clients
 * and proxies that only pass GET and POST). Recorded for the access log and metrics.
 */
function requestMethod(c: Context<AppEnv>): string {
  const overriding = c.req.header(OVERRIDE_HEADER)?.trim().toUpperCase();
  const method = overriding !== undefined && METHOD_TOKEN.test(overriding) ? overriding : c.req.method;
  c.set('method', method);
  return method;
}
