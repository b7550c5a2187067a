import { TUS_RESUMABLE, type Locker } from '@tus/utils';
import { appError } from '../errors/catalogue.js';
import type { StoredUploadRecord } from '../store/index.js';
import { uploadProtocol } from '../store/upload-protocol.js';
import { checkTusResumable } from './tus-headers.js';
import { tusThrownToAppError } from './tus-errors.js';
import { addConcatHeaders, type ConcatStore } from './upload-concat.js';
import { isUploadFinished, uploadExpiresAt } from './upload-expiry.js';
import { isUploadId } from './upload-id.js';
import { encodeMetadata, formatUploadMetadata } from './upload-metadata.js';

/** What the HEAD handler needs of the store (the consumer owns the interface). */
export interface HeadStore extends ConcatStore {
  getUpload(id: string): Promise<StoredUploadRecord>;
  getExpiration(): number;
}

export interface HeadRequest {
  request: Request;
  /** The id from the URL, as routed; anything but a valid upload id is 404. */
  id: string | undefined;
}

export type HeadHandler = (head: HeadRequest) => Promise<Response>;

export interface HeadHandlerOptions {
  store: HeadStore;
  /** The locker POST, PATCH and @tus/server's DELETE use. */
  locker: Locker;
}

/**
 * HEAD (tus 1.0.0 core, creation-defer-length, expiration): where to resume. Ours rather
 * than @tus/server's, whose HEAD answers 410 for a *finished* upload once it is older
 * than the expiry period, although finished uploads never expire here.
 */
export function createHeadHandler({ store, locker }: HeadHandlerOptions): HeadHandler {
  return async function handleHead({ request, id }) {
    checkTusResumable(request.headers);
    if (!isUploadId(id)) throw appError('UPLOAD_NOT_FOUND');
    // Asking for the lock tells a PATCH still holding it (a client that went away) to let go,
    // so the offset reported includes every byte it stored.
    const lock = locker.newLock(id);
    await lock.lock(request.signal, () => undefined).catch((error: unknown) => {
      throw tusThrownToAppError(error);
    });
    let upload: StoredUploadRecord;
    try {
      upload = await store.getUpload(id);
    } finally {
      await lock.unlock();
    }
    // An upload is resumed only with the protocol that created it.
    if (uploadProtocol(upload) !== 'tus') throw appError('UPLOAD_PROTOCOL_MISMATCH', { details: { protocol: uploadProtocol(upload) } });
    // A Client resuming an upload that the Server removed SHOULD get 404 or 410; 410 when
    // the Server keeps track of expired uploads. Finished uploads do not expire.
    const expiresAt = isUploadFinished(upload) ? undefined : uploadExpiresAt(upload, store.getExpiration());
    if (expiresAt !== undefined && Date.now() > expiresAt.getTime()) throw appError('UPLOAD_GONE');

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
    if (expiresAt !== undefined) headers['Upload-Expires'] = expiresAt.toUTCString();
    if (upload.concat !== undefined) await addConcatHeaders(headers, upload, upload.concat, store);
    return new Response(null, { status: 200, headers });
  };
}
