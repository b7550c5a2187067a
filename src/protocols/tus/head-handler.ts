import { appError } from '../../errors/catalogue.js';
import type { UploadEngine } from '../../uploads/engine.js';
import { encodeMetadata, formatUploadMetadata } from '../../uploads/metadata.js';
import { expiresAt } from '../../uploads/upload.js';
import { isUploadId } from '../../uploads/upload-id.js';
import { addConcatHeaders } from './concat.js';
import { checkTusResumable, TUS_RESUMABLE } from './tus-headers.js';
import type { TusHandler } from './tus-request.js';
import { checkTusUpload } from './tus-upload.js';

/**
 * HEAD (tus 1.0.0 core, creation-defer-length, expiration): where to resume. Finished
 * uploads never expire here (@tus/server's HEAD answers 410 for them once old enough).
 */
export function createHeadHandler({ store, readLocked }: UploadEngine): TusHandler {
  return async function handleHead(request) {
    const { headers: requestHeaders, id } = request;
    checkTusResumable(requestHeaders);
    if (!isUploadId(id)) throw appError('UPLOAD_NOT_FOUND');
    // Asking for the lock tells a PATCH still holding it (a client that went away) to let go,
    // so the offset reported includes every byte it stored. Another owner's upload is 404.
    const upload = await readLocked(id, request);
    // An upload is resumed only with the protocol that created it; a Client resuming an
    // upload that the Server removed SHOULD get 404 or 410 (410: expired).
    checkTusUpload(upload, store.getExpiration());
    const expiry = expiresAt(upload, store.getExpiration());

    // The Server MUST always include Upload-Offset, and MUST prevent caching with Cache-Control: no-store.
    const headers: Record<string, string> = {
      'Tus-Resumable': TUS_RESUMABLE,
      'Cache-Control': 'no-store',
      'Upload-Offset': String(upload.offset),
    };
    // Upload-Length if the size is known; creation-defer-length: Upload-Defer-Length: 1 while it is not.
    if (upload.size === undefined) headers['Upload-Defer-Length'] = '1';
    else headers['Upload-Length'] = String(upload.size);
    // The Server MUST include Upload-Metadata if it was given on creation: byte-exact, as
    // it was sent (uploads stored before that was kept have only the text to encode again).
    const metadata = upload.encodedMetadata ?? (upload.metadata === undefined ? undefined : encodeMetadata(upload.metadata));
    if (metadata !== undefined && Object.keys(metadata).length > 0) headers['Upload-Metadata'] = formatUploadMetadata(metadata);
    if (expiry !== undefined) headers['Upload-Expires'] = expiry.toUTCString();
    if (upload.concat !== undefined) await addConcatHeaders(headers, upload, upload.concat, store);
    return new Response(null, { status: 200, headers });
  };
}
