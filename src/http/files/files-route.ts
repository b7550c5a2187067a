import type { Context } from 'hono';
import { appError } from '../../errors/catalogue.js';
import type { Metrics } from '../../metrics/metrics.js';
import { ietfDialect } from '../../protocols/ietf/index.js';
import { UPLOADS_PATH, uploadIdFromPath } from '../../uploads/upload-id.js';
import { type Authorize, headersWithMetadata, type UploadRequestScope } from '../authorize.js';
import type { AppEnv } from '../context.js';
import { principalOf } from '../middleware/authenticate.js';
import { methodOf } from '../request-method.js';
import { type DownloadLinks, isSignedLinkRequest } from './download-links.js';
import { allowedMethods, createFilesRouteTable, type FilesCall, type FilesRouteTableOptions, type FilesTarget } from './route-table.js';

export interface FilesRouteOptions extends FilesRouteTableOptions {
  metrics: Metrics;
  /** The authorization seam: sees every /files request, resolved, before its handler runs. */
  authorize: Authorize;
  /** Verifies the signed download links a GET may present instead of credentials. */
  links: DownloadLinks;
}

const LINK_SEGMENT = 'link';

const NO_BODY: AsyncIterable<Uint8Array> = { async *[Symbol.asyncIterator]() {} };

/**
 * /files, /files/ and /files/<id>, both protocols: a request with
 * `Upload-Draft-Interop-Version` is an IETF resumable upload request, any other tus. The
 * route table resolves method (X-HTTP-Method-Override included), protocol, action and
 * upload id; the authorization seam sees them; then the handler runs. Handlers throw: the
 * app's error hook answers, with the headers of the protocol recorded here.
 */
export function createFilesRoute({ metrics, authorize, links, ...tableOptions }: FilesRouteOptions) {
  const table = createFilesRouteTable(tableOptions);

  return async function filesRoute(c: Context<AppEnv>): Promise<Response> {
    const method = requestMethod(c);
    const { target, id } = resolveTarget(c.req.path);
    if (id !== undefined) c.set('uploadId', id);
    c.set('allow', allowedMethods(table, target));

    const versionHeader = c.req.header('Upload-Draft-Interop-Version');
    // IETF errors, a bad version included, carry the IETF fields; tus ones once a tus handler is chosen.
    if (versionHeader !== undefined) c.set('protocol', 'ietf');
    const dialect = versionHeader === undefined ? undefined : ietfDialect(versionHeader);
    const route = table[target][method];
    if (route === undefined) throw appError('HTTP_METHOD_NOT_ALLOWED', dialect === undefined ? {} : { details: { allow: c.get('allow') } });
    const action = dialect === undefined ? route.tus.action : route.ietf.action;
    // A tus download is plain HTTP: its errors carry no tus headers.
    if (dialect === undefined && action !== 'download') c.set('protocol', 'tus');
    const scope: UploadRequestScope = { kind: 'upload', protocol: dialect === undefined ? 'tus' : 'ietf', action, uploadId: id };
    c.set('uploadScope', scope);
    // A signed download link is the credential of a plain GET: it was minted by a request that
    // passed this step and the owner check (POST /files/<id>/link), so verifying it stands in
    // for both. Anything else goes through the authorization step.
    const linkVerified = target === 'upload' && action === 'download' && isSignedLinkRequest(c.req.raw);
    let headers = c.req.raw.headers;
    if (linkVerified) links.verify(id, new URL(c.req.url).searchParams);
    else {
      // The step may name who the request speaks for, and a creation's metadata (FERRY_AUTH=hook).
      const outcome = await authorize(scope, principalOf(c), headers);
      if (outcome !== undefined) c.set('principal', outcome.principal);
      if (outcome?.metadata !== undefined) headers = headersWithMetadata(headers, outcome.metadata);
    }

    const call: FilesCall = { c, headers, signal: c.req.raw.signal, principal: principalOf(c), id, linkVerified, body: NO_BODY };
    const handle = (routed: FilesCall) => (dialect === undefined ? route.tus.handle(routed) : route.ietf.handle(routed, dialect));
    return route.readsBody ? withBody(c, call, handle) : handle(call);
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
        // Leaving the iteration early must not destroy the socket: the response still has to go out.
        body: incoming ? { [Symbol.asyncIterator]: () => incoming.iterator({ destroyOnReturn: false }) } : (c.req.raw.body ?? NO_BODY),
        onBytesReceived: (bytes) => {
          bytesIn += bytes;
        },
        // Node has the request's trailers once its body has ended; app.request() has none.
        readTrailer: (name) => incoming?.trailers[name],
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
 * The resource a /files path names. The id is taken raw from the path (never
 * percent-decoded); an invalid one is no id (the handler answers 404).
 */
function resolveTarget(path: string): { target: FilesTarget; id: string | undefined } {
  if (path === UPLOADS_PATH || path === `${UPLOADS_PATH}/`) return { target: 'collection', id: undefined };
  // `/files/<segment>/link`: a tus id never holds a '/', so `link` is never an upload's path.
  const segments = path.slice(UPLOADS_PATH.length + 1).split('/');
  if (segments.length === 2 && segments[1] === LINK_SEGMENT)
    return { target: 'link', id: uploadIdFromPath(path.slice(0, -LINK_SEGMENT.length - 1), UPLOADS_PATH) };
  return { target: 'upload', id: uploadIdFromPath(path, UPLOADS_PATH) };
}

/** The method the request stands for (see request-method.ts), recorded for the access log and metrics. */
function requestMethod(c: Context<AppEnv>): string {
  const method = methodOf(c);
  c.set('method', method);
  return method;
}
