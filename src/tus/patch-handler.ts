import { TUS_RESUMABLE } from '@tus/utils';
import { appError } from '../errors/catalogue.js';
import type { StoredUploadRecord } from '../store/index.js';
import { uploadProtocol } from '../store/upload-protocol.js';
import { checkTusResumable, hasOffsetOctetStream, parseNonNegativeInteger } from './tus-headers.js';
import {
  bodyLimit, createUploadAppender, tooMuch, type AppendStore, type BodyRequest, type UploadAppenderOptions,
} from './upload-append.js';
import { readChecksumRequest, type ChecksumRequest } from './upload-checksum.js';
import { isUploadFinished, uploadExpiresAt, uploadExpiresHeader } from './upload-expiry.js';
import { isUploadId } from './upload-id.js';

/** What the PATCH handler needs of the store (the consumer owns the interface). */
export interface PatchStore extends AppendStore {
  getUpload(id: string): Promise<StoredUploadRecord>;
  declareUploadLength(id: string, length: number): Promise<void>;
  getExpiration(): number;
}

export interface PatchRequest extends BodyRequest {
  /** The id from the URL, as routed; anything but a valid upload id is 404. */
  id: string | undefined;
}

export type PatchHandler = (patch: PatchRequest) => Promise<Response>;

export interface PatchHandlerOptions extends UploadAppenderOptions {
  store: PatchStore;
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
export function createPatchHandler({ store, maxSize, ...appenderOptions }: PatchHandlerOptions): PatchHandler {
  const appender = createUploadAppender({ store, ...appenderOptions });

  /** Checks the upload against the request and fixes its length; returns how many bytes the body may add. */
  async function prepare(upload: StoredUploadRecord, { id, offset, declaredLength, contentLength }: PatchHeaders): Promise<number> {
    // An upload is resumed only with the protocol that created it.
    if (uploadProtocol(upload) !== 'tus') throw appError('UPLOAD_PROTOCOL_MISMATCH', { details: { protocol: uploadProtocol(upload) } });
    // concatenation: the Server MUST respond with 403 Forbidden to PATCH requests against a final upload URL.
    if (upload.concat?.kind === 'final') throw appError('UPLOAD_FINAL_IMMUTABLE');
    // A Client resuming an upload that the Server removed SHOULD get 404 or 410; 410 when
    // the Server keeps track of expired uploads. Finished uploads do not expire.
    const expiresAt = uploadExpiresAt(upload, store.getExpiration());
    if (!isUploadFinished(upload) && expiresAt !== undefined && Date.now() > expiresAt.getTime()) throw appError('UPLOAD_GONE');
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
    const headers = readPatchHeaders(patch.request.headers, patch.id);
    const outcome = await appender.append(patch, headers.id, async () => {
      const upload = await store.getUpload(headers.id);
      return { upload, offset: headers.offset, maxBytes: await prepare(upload, headers), checksum: headers.checksum };
    });
    return appender.settle(outcome, patch.request, (upload) => {
      // The Server MUST acknowledge successful PATCH requests with 204 No Content and the new Upload-Offset.
      const responseHeaders: Record<string, string> = { 'Tus-Resumable': TUS_RESUMABLE, 'Upload-Offset': String(upload.offset) };
      // expiration: Upload-Expires MUST be included in every PATCH response if the upload is going to expire.
      const expires = uploadExpiresHeader(upload, store.getExpiration());
      if (expires !== undefined) responseHeaders['Upload-Expires'] = expires;
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
  const offset = parseNonNegativeInteger(headers.get('upload-offset'));
  if (offset === undefined) throw appError('UPLOAD_OFFSET_INVALID');
  // creation-defer-length: once the length is known, the Client MUST set Upload-Length in the next PATCH.
  const lengthHeader = headers.get('upload-length');
  const declaredLength = lengthHeader === null ? undefined : parseNonNegativeInteger(lengthHeader);
  if (lengthHeader !== null && declaredLength === undefined) throw appError('UPLOAD_LENGTH_INVALID');
  const checksum = readChecksumRequest(headers);
  return { id, offset, declaredLength, contentLength: parseNonNegativeInteger(headers.get('content-length')), checksum };
}
