import { appError } from '../../errors/catalogue.js';
import { bodyLimit, tooMuch } from '../../uploads/append.js';
import { type ChecksumRequest, readChecksumRequest } from '../../uploads/checksum-request.js';
import type { UploadEngine } from '../../uploads/engine.js';
import { expiresAt, type Upload } from '../../uploads/upload.js';
import { isUploadId } from '../../uploads/upload-id.js';
import { checkTusResumable, hasOffsetOctetStream, parseContentLength, parseUploadInteger, TUS_RESUMABLE } from './tus-headers.js';
import type { TusBodyRequest, TusHandler } from './tus-request.js';
import { checkTusUpload } from './tus-upload.js';

export interface PatchHandlerOptions {
  /** Tus-Max-Size; 0 is no limit. */
  maxSize: number;
}

/** The tus headers of a PATCH, validated. */
interface PatchHeaders {
  id: string;
  offset: number;
  /** creation-defer-length: the length, sent once it is known. */
  declaredLength: number | undefined;
  /** Absent for a chunked body. */
  contentLength: number | undefined;
  /** checksum, checksum-trailer: what the body must match to be kept. */
  checksum: ChecksumRequest | undefined;
}

/**
 * PATCH (tus 1.0.0 core, creation-defer-length, expiration), reading the body straight
 * into the store. The spec's MUST sentences sit beside the code that honours them.
 */
export function createPatchHandler(engine: UploadEngine, { maxSize }: PatchHandlerOptions): TusHandler<TusBodyRequest> {
  const { store } = engine;

  /** Checks the upload against the request and fixes its length; returns how many bytes the body may add. */
  async function prepare(upload: Upload, { id, offset, declaredLength, contentLength }: PatchHeaders): Promise<number> {
    // An upload is resumed only with the protocol that created it; an expired one is 410.
    checkTusUpload(upload, store.getExpiration());
    // concatenation: the Server MUST respond with 403 Forbidden to PATCH requests against a final upload URL.
    if (upload.concat?.kind === 'final') throw appError('UPLOAD_FINAL_IMMUTABLE');
    // If the offsets do not match, the Server MUST respond with 409 Conflict without modifying the upload resource.
    if (upload.offset !== offset) throw appError('UPLOAD_OFFSET_MISMATCH', { details: { offset: upload.offset } });
    if (declaredLength !== undefined) {
      // Once set, the length MUST NOT be changed; nor can it be less than what is stored.
      if ((upload.size !== undefined && upload.size !== declaredLength) || declaredLength < upload.offset) throw appError('UPLOAD_LENGTH_INVALID');
      if (maxSize > 0 && declaredLength > maxSize) throw appError('UPLOAD_TOO_LARGE');
    }
    // Nothing beyond the upload's length (while it is deferred: beyond Tus-Max-Size) is
    // ever stored. A Content-Length that goes further is refused before a byte is read.
    const maxBytes = bodyLimit(upload.size ?? declaredLength, offset, maxSize);
    if (contentLength !== undefined && contentLength > maxBytes) throw tooMuch(upload.size ?? declaredLength);
    if (declaredLength !== undefined && upload.size === undefined) {
      await store.declareUploadLength(id, declaredLength);
      upload.size = declaredLength;
    }
    return maxBytes;
  }

  return async function handlePatch(patch) {
    const headers = readPatchHeaders(patch.headers, patch.id);
    // The engine reads the upload under its lock: another owner's is 404, before any rule here.
    const outcome = await engine.append(patch, headers.id, async (upload) => ({
      upload,
      offset: headers.offset,
      maxBytes: await prepare(upload, headers),
      checksum: headers.checksum,
    }));
    return engine.settle(outcome, (upload) => {
      // The Server MUST acknowledge successful PATCH requests with 204 No Content and the new Upload-Offset.
      const responseHeaders: Record<string, string> = { 'Tus-Resumable': TUS_RESUMABLE, 'Upload-Offset': String(upload.offset) };
      // expiration: Upload-Expires MUST be included in every PATCH response if the upload is going to expire.
      const expires = expiresAt(upload, store.getExpiration());
      if (expires !== undefined) responseHeaders['Upload-Expires'] = expires.toUTCString();
      return new Response(null, { status: 204, headers: responseHeaders });
    });
  };
}

function readPatchHeaders(headers: Headers, id: string | undefined): PatchHeaders {
  checkTusResumable(headers);
  if (!isUploadId(id)) throw appError('UPLOAD_NOT_FOUND');
  // All PATCH requests MUST use Content-Type: application/offset+octet-stream,
  // otherwise the server SHOULD return a 415 Unsupported Media Type status.
  if (!hasOffsetOctetStream(headers)) throw appError('UPLOAD_CONTENT_TYPE_INVALID');
  // The request MUST include an Upload-Offset header; its value MUST be a non-negative integer.
  const offset = parseUploadInteger(headers.get('upload-offset'));
  if (offset === undefined) throw appError('UPLOAD_OFFSET_INVALID');
  // creation-defer-length: once the length is known, the Client MUST set Upload-Length in the next PATCH.
  const lengthHeader = headers.get('upload-length');
  const declaredLength = lengthHeader === null ? undefined : parseUploadInteger(lengthHeader);
  if (lengthHeader !== null && declaredLength === undefined) throw appError('UPLOAD_LENGTH_INVALID');
  const checksum = readChecksumRequest(headers);
  return { id, offset, declaredLength, contentLength: parseContentLength(headers.get('content-length')), checksum };
}
