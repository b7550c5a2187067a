import type { Context } from 'hono';
import type { IetfDialect, IetfHandlers } from '../../protocols/ietf/index.js';
import type { TusHandlers } from '../../protocols/tus/index.js';
import type { BodyRequest } from '../../uploads/append.js';
import type { UploadAction } from '../authorize.js';
import type { AppEnv } from '../context.js';
import { sendInterimResponse } from '../interim-response.js';
import type { DownloadRoute } from '../routes/download-route.js';
import type { LinkRoute } from '../routes/link-route.js';

/**
 * Which /files resource a request names: the collection (`/files`, `/files/`), one upload
 * (`/files/<id>`) or its signed download link (`/files/<id>/link`; ids never hold a '/').
 */
export type FilesTarget = 'collection' | 'upload' | 'link';

/** One /files request as the table hands it to a handler; `body` is never read unless the route `readsBody`. */
export interface FilesCall extends BodyRequest {
  c: Context<AppEnv>;
  headers: Headers;
  /** The routed upload id (raw from the path); undefined for the collection or an invalid id. */
  id: string | undefined;
  /** The request presented a signed download link, verified (see download-links.ts); it then has no other credential. */
  linkVerified: boolean;
}

export type TusCall = (call: FilesCall) => Promise<Response>;
export type IetfCall = (call: FilesCall, dialect: IetfDialect) => Promise<Response>;

/** What one method on one /files resource does in each protocol. */
export interface FilesRoute {
  tus: { action: UploadAction; handle: TusCall };
  ietf: { action: UploadAction; handle: IetfCall };
  /** The handler reads the request body (creation, append): it is counted, and a response sent early closes the connection. */
  readsBody: boolean;
}

/** Per resource, per method (the key order is the Allow header's). */
export type FilesRouteTable = Record<FilesTarget, Readonly<Record<string, FilesRoute>>>;

export interface FilesRouteTableOptions {
  tus: TusHandlers;
  ietf: IetfHandlers;
  /** GET /files/<id> of a tus client: the finished upload's bytes. */
  download: DownloadRoute;
  /** POST /files/<id>/link: a signed download link. */
  link: LinkRoute;
}

/**
 * The one route table of /files: for each resource and method, the tus handler, the IETF
 * handler, the action each stands for (what authorization will check) and whether the body
 * is read. Every method, DELETE and OPTIONS included, is answered by ferry's own handlers.
 */
export function createFilesRouteTable({ tus, ietf, download, link }: FilesRouteTableOptions): FilesRouteTable {
  const tusOptions: FilesRoute['tus'] = { action: 'options', handle: () => tus.handleOptions() };
  const ietfOptions: FilesRoute['ietf'] = { action: 'options', handle: async (_call, dialect) => ietf.handleOptions(dialect) };
  const ietfOffset: FilesRoute['ietf'] = { action: 'read-offset', handle: (call, dialect) => ietf.handleOffsetRetrieval({ ...call, dialect }) };
  return {
    collection: {
      POST: {
        readsBody: true,
        tus: {
          action: 'create',
          handle: (call) =>
            tus.handlePost({
              ...call,
              onUploadCreated(id, location) {
                call.c.set('uploadId', id);
                call.c.set('createdLocation', location);
              },
            }),
        },
        ietf: {
          action: 'create',
          handle: (call, dialect) =>
            ietf.handleCreation({
              ...call,
              dialect,
              onUploadCreated: (id) => call.c.set('uploadId', id),
              sendUploadResumptionSupported(fields) {
                const { incoming, outgoing } = call.c.env ?? {};
                if (incoming && outgoing) sendInterimResponse(incoming, outgoing, 104, 'Upload Resumption Supported', fields);
              },
            }),
        },
      },
      OPTIONS: { readsBody: false, tus: tusOptions, ietf: ietfOptions },
    },
    upload: {
      GET: { readsBody: false, tus: { action: 'download', handle: (call) => download(call.c, call.id, call) }, ietf: ietfOffset },
      HEAD: { readsBody: false, tus: { action: 'read-offset', handle: (call) => tus.handleHead(call) }, ietf: ietfOffset },
      PATCH: {
        readsBody: true,
        tus: { action: 'resume', handle: (call) => tus.handlePatch(call) },
        ietf: { action: 'resume', handle: (call, dialect) => ietf.handleAppend({ ...call, dialect }) },
      },
      DELETE: {
        readsBody: false,
        tus: { action: 'delete', handle: (call) => tus.handleDelete(call) },
        ietf: { action: 'delete', handle: (call, dialect) => ietf.handleCancellation({ ...call, dialect }) },
      },
      OPTIONS: { readsBody: false, tus: tusOptions, ietf: ietfOptions },
    },
    // Plain HTTP in either protocol: minting a link is a download, as authorization sees it.
    link: {
      POST: {
        readsBody: false,
        tus: { action: 'download', handle: (call) => link(call.id, call.principal) },
        ietf: { action: 'download', handle: (call) => link(call.id, call.principal) },
      },
      OPTIONS: { readsBody: false, tus: { action: 'options', handle: preflight }, ietf: { action: 'options', handle: preflight } },
    },
  };
}

/** OPTIONS on a link: nothing to discover; the CORS middleware answers the preflight's questions. */
async function preflight(): Promise<Response> {
  return new Response(null, { status: 204 });
}

/** The Allow header of a /files resource: the methods its table lists. */
export function allowedMethods(table: FilesRouteTable, target: FilesTarget): string {
  return Object.keys(table[target]).join(', ');
}
