import type { UploadProtocol } from '../uploads/upload.js';

/** What a /files request asks to do, whatever protocol it speaks. */
export type UploadAction = 'create' | 'resume' | 'read-offset' | 'download' | 'delete' | 'options';

/** A /files request, resolved by the route table before its handler runs. */
export interface UploadRequestScope {
  kind: 'upload';
  protocol: UploadProtocol;
  action: UploadAction;
  /** The routed upload id (undefined for creation and discovery, or an invalid id: the handler answers 404). */
  uploadId: string | undefined;
}

/** An /imports request (create an import, or read one and its reports). */
export interface ImportRequestScope {
  kind: 'import';
  action: 'create' | 'read';
}

export type RequestScope = UploadRequestScope | ImportRequestScope;

/**
 * THE authorization seam: called once for every /files request (both protocols, after the
 * route table resolved it, before its handler runs) and every /imports request. It throws
 * an AppError to refuse. Nothing is enforced yet; the next issue puts authentication and
 * `authorize(owner, action)` here.
 */
export type Authorize = (scope: RequestScope, headers: Headers) => void | Promise<void>;

/** Lets every request through (no authentication configured). */
export const allowAll: Authorize = () => undefined;
