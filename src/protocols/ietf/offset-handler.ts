import { appError } from '../../errors/catalogue.js';
import { isFinished } from '../../uploads/upload.js';
import { isUploadId } from '../../uploads/upload-id.js';
import { uploadLimitHeader } from './ietf-headers.js';
import { checkIetfUpload, type IetfHandlerOptions, type IetfRequest, remainingLifetimeMs } from './ietf-upload.js';
import type { IetfDialect } from './interop-versions.js';
import { serializeBoolean } from './structured-fields.js';

export type OffsetHandler = (retrieval: IetfRequest) => Promise<Response>;

/** Draft -05: these requests MUST NOT include the fields, and the server MUST reject them with 400. */
export function rejectStateFields(dialect: IetfDialect, headers: Headers, names: readonly string[]): void {
  if (dialect.rejectsStateFields && names.some((name) => headers.has(name))) throw appError('UPLOAD_HEADER_NOT_ALLOWED');
}

/** Offset retrieval (HEAD, or GET, on /files/<id>): where to resume. */
export function createOffsetHandler({ engine, maxSize }: IetfHandlerOptions): OffsetHandler {
  const { store } = engine;
  return async function handleOffsetRetrieval(retrieval) {
    const { headers: requestHeaders, dialect, id } = retrieval;
    rejectStateFields(dialect, requestHeaders, ['upload-offset', 'upload-complete', 'upload-length']);
    if (!isUploadId(id)) throw appError('UPLOAD_NOT_FOUND');
    // Taking the lock ends a transfer still holding it, so the offset includes every byte it
    // stored: "the offset sent by the server MUST be accepted in a subsequent request to append".
    // Another owner's upload is 404.
    const upload = await engine.readLocked(id, retrieval);
    checkIetfUpload(upload, store.getExpiration());
    const finished = isFinished(upload);
    const headers: Record<string, string> = {
      // MUST include the offset in Upload-Offset,
      'Upload-Offset': String(upload.offset),
      // MUST include Upload-Complete,
      'Upload-Complete': serializeBoolean(finished),
      // MUST indicate the limits in Upload-Limit,
      'Upload-Limit': uploadLimitHeader(dialect, { maxSize, lifetimeMs: remainingLifetimeMs(upload, store.getExpiration()) }),
      // and SHOULD include Cache-Control: no-store.
      'Cache-Control': 'no-store',
    };
    // MUST include the length in Upload-Length, unless the client has not supplied one.
    if (upload.size !== undefined) headers['Upload-Length'] = String(upload.size);
    return new Response(null, { status: 204, headers });
  };
}
