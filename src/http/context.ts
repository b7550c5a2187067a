import type { HttpBindings } from '@hono/node-server';

/** Typed per-request values, set by middleware and routes, read by the access log. */
export interface AppVariables {
  requestId: string;
  /** The upload a request is about, once a route knows it (never an invalid id). */
  uploadId?: string;
  /**
   * The URL of the upload a POST created. An error after the creation (a checksum that
   * failed, a body cut short) still carries it as Location, so the client can resume.
   */
  createdLocation?: string;
  /** Body bytes read, where a route counted them (POST, PATCH). */
  bytesIn?: number;
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
