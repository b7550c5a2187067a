import type { HttpBindings } from '@hono/node-server';
import type { UploadProtocol } from '../uploads/upload.js';
import type { UploadRequestScope } from './authorize.js';

/** Typed per-request values, set by middleware and routes, read by the access log and the error hook. */
export interface AppVariables {
  requestId: string;
  principal?: import('../auth/principal.js').Principal;
  /** The method the request stands for: its own, or X-HTTP-Method-Override's (see middleware/method-override.ts). */
  method: string;
  /** The upload a request is about, once a route knows it (never an invalid id). */
  uploadId?: string;
  /** What a /files request asks for, resolved by the route table before any handler runs (the authorization seam reads it). */
  uploadScope?: UploadRequestScope;
  /** The protocol whose headers an error response carries (set once a /files request is routed to a protocol's handler). */
  protocol?: UploadProtocol;
  /** The Allow header of a 405: the methods of the route that was asked. */
  allow?: string;
  /**
   * The URL of the upload a POST created. An error after the creation (a checksum that
   * failed, a body cut short) still carries it as Location, so the client can resume.
   */
  createdLocation?: string;
  /** Body bytes read, where a route counted them (creation, append). */
  bytesIn?: number;
  /** Set by a route that reads the body: the body did not arrive whole, so the response closes the connection. */
  bodyIncomplete?: () => boolean;
  /** The cause of a 5xx response, for the log; never sent to the client. */
  errorCause?: unknown;
}

/**
 * The hono environment. Under @hono/node-server `c.env.incoming` is the Node request;
 * under `app.request()` there are no bindings at all, so read them with `c.env?.`.
 */
export interface AppEnv {
  Bindings: HttpBindings;
  Variables: AppVariables;
}
