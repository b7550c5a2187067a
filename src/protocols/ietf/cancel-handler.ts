import { appError } from '../../errors/catalogue.js';
import { isUploadId } from '../../uploads/upload-id.js';
import { checkIetfUpload, type IetfHandlerOptions, type IetfRequest } from './ietf-upload.js';
import { rejectStateFields } from './offset-handler.js';

export type CancelHandler = (cancellation: IetfRequest) => Promise<Response>;

/**
 * Upload cancellation (DELETE /files/<id>): "the server SHOULD deactivate the upload
 * resource"; ferry deletes it, as tus termination does.
 */
export function createCancelHandler({ engine }: IetfHandlerOptions): CancelHandler {
  const expirationMs = engine.store.getExpiration();
  return async function handleCancellation({ headers, signal, principal, dialect, id }) {
    rejectStateFields(dialect, headers, ['upload-offset', 'upload-complete']);
    if (!isUploadId(id)) throw appError('UPLOAD_NOT_FOUND');
    // The server SHOULD terminate any in-flight requests to the upload resource first: taking the lock does.
    // Only the owner (or an admin) cancels: another owner's upload is 404.
    await engine.terminate(id, { signal, principal, check: (upload) => checkIetfUpload(upload, expirationMs) });
    return new Response(null, { status: 204 });
  };
}
