import { EVENTS } from '@tus/utils';
import { appError } from '../errors/catalogue.js';
import { isUploadId } from '../tus/upload-id.js';
import { checkIetfUpload, withUploadLock, type IetfHandlerOptions } from './ietf-upload.js';
import { rejectStateFields, type UploadResourceRequest } from './offset-handler.js';

export type CancelHandler = (cancellation: UploadResourceRequest) => Promise<Response>;

/**
 * Upload cancellation (DELETE /files/<id>): "the server SHOULD deactivate the upload
 * resource"; ferry deletes it, as tus termination does. An IETF DELETE carries no
 * Tus-Resumable, so it cannot go through @tus/server.
 */
export function createCancelHandler({ store, locker, events }: IetfHandlerOptions): CancelHandler {
  return async function handleCancellation({ request, dialect, id }) {
    rejectStateFields(dialect, request.headers, ['upload-offset', 'upload-complete']);
    if (!isUploadId(id)) throw appError('UPLOAD_NOT_FOUND');
    // The server SHOULD terminate any in-flight requests to the upload resource first: taking the lock does.
    await withUploadLock(locker, id, request.signal, async () => {
      checkIetfUpload(await store.getUpload(id), store.getExpiration());
      await store.remove(id);
    });
    const response = new Response(null, { status: 204 });
    events.emit(EVENTS.POST_TERMINATE, request, response, id);
    return response;
  };
}
