import { appError } from '../../errors/catalogue.js';
import { bodyLimit, tooMuch } from '../../uploads/append.js';
import { type ChecksumRequest, readChecksumRequest } from '../../uploads/checksum-request.js';
import type { UploadEngine } from '../../uploads/engine.js';
import { parseUploadMetadata, type UploadMetadata } from '../../uploads/metadata.js';
import { expiresAt, type FinalConcat, type Upload, type UploadConcat } from '../../uploads/upload.js';
import { createUploadId, uploadUrl } from '../../uploads/upload-id.js';
import { lengthOfFinal, readUploadConcat } from './concat.js';
import { checkTusResumable, hasOffsetOctetStream, parseContentLength, parseUploadInteger, TUS_RESUMABLE } from './tus-headers.js';
import type { TusBodyRequest, TusHandler } from './tus-request.js';

export interface PostRequest extends TusBodyRequest {
  /** Told the new upload's id and URL as soon as the upload exists (before its body is read). */
  onUploadCreated?: (id: string, location: string) => void;
}

export interface PostHandlerOptions {
  /** Tus-Max-Size; 0 is no limit. */
  maxSize: number;
  /** The base of Location (config.publicUrl); empty: a relative Location. */
  publicUrl: string;
}

/** The tus headers of a POST, validated. */
interface PostHeaders {
  /** Undefined while the length is deferred. */
  length: number | undefined;
  metadata: UploadMetadata | undefined;
  /** creation-with-upload: the request carries the first bytes of the upload. */
  withBody: boolean;
  /** How many bytes the body may add (see `bodyLimit`). */
  maxBytes: number;
  /** concatenation: a partial or final upload. */
  concat: UploadConcat | undefined;
  /** checksum, checksum-trailer: what the body must match to be kept. */
  checksum: ChecksumRequest | undefined;
}

/**
 * POST (tus 1.0.0 creation, creation-with-upload, creation-defer-length, expiration): creates
 * an upload and appends any data it carries straight into the store, as PATCH does. The
 * spec's MUST sentences sit beside the code that honours them.
 */
export function createPostHandler(engine: UploadEngine, { maxSize, publicUrl }: PostHandlerOptions): TusHandler<PostRequest> {
  const { store } = engine;

  return async function handlePost(post) {
    const headers = readPostHeaders(post.headers, maxSize, publicUrl);
    const upload: Upload = { id: createUploadId(), offset: 0, protocol: 'tus', createdAt: new Date().toISOString() };
    // The upload is the creating principal's (an anonymous one records no owner).
    const { owner } = post.principal;
    if (owner !== undefined) upload.owner = owner;
    if (headers.length !== undefined) upload.size = headers.length;
    if (headers.metadata !== undefined) {
      upload.metadata = headers.metadata.decoded;
      upload.encodedMetadata = headers.metadata.encoded;
    }
    if (headers.concat !== undefined) upload.concat = headers.concat;
    if (headers.concat?.kind === 'final') {
      const length = await finalLength(headers.concat, owner);
      if (length !== undefined) upload.size = length;
    }
    await engine.create(upload);
    const location = uploadUrl(publicUrl, upload.id);
    post.onUploadCreated?.(upload.id, location);
    // Nobody else knows a new id, so creating needs no lock; its data is appended under
    // the upload's lock all the same, as a PATCH's would be.
    const outcome = headers.withBody
      ? await engine.append(post, upload.id, async () => ({ upload, offset: 0, maxBytes: headers.maxBytes, checksum: headers.checksum }))
      : { upload, finishedNow: false };
    // A final upload is complete once its partial uploads are: now, if they are finished.
    const assembled = headers.concat?.kind === 'final' ? await store.assembleFinal(upload.id) : undefined;
    // An upload of length 0 is complete from the moment it exists.
    const finishedNow = outcome.finishedNow || upload.size === 0 || assembled !== undefined;
    return engine.settle({ ...outcome, upload: assembled ?? outcome.upload, finishedNow }, (created) => {
      // The Server MUST acknowledge a successful upload creation with the 201 Created status
      // and MUST set the Location header to the URL of the created resource.
      const responseHeaders: Record<string, string> = { 'Tus-Resumable': TUS_RESUMABLE, Location: location, 'Content-Length': '0' };
      // creation-with-upload: the response MUST tell how much of the data was accepted, in Upload-Offset.
      if (headers.withBody) responseHeaders['Upload-Offset'] = String(created.offset);
      // expiration: if the expiration is known at creation time, Upload-Expires MUST be
      // included in the response to the initial POST request.
      const expires = expiresAt(created, store.getExpiration());
      if (expires !== undefined) responseHeaders['Upload-Expires'] = expires.toUTCString();
      return new Response(null, { status: 201, headers: responseHeaders });
    });
  };

  /** The sum of the partial uploads' lengths (undefined while one is deferred), within Tus-Max-Size. */
  async function finalLength(concat: FinalConcat, owner: string | undefined): Promise<number | undefined> {
    const length = await lengthOfFinal(store, concat, owner);
    if (length !== undefined && maxSize > 0 && length > maxSize) throw appError('UPLOAD_TOO_LARGE');
    return length;
  }
}

function readPostHeaders(headers: Headers, maxSize: number, publicUrl: string): PostHeaders {
  checkTusResumable(headers);
  const concat = readUploadConcat(headers, publicUrl);
  if (concat?.kind === 'final') return readFinalHeaders(headers, concat);
  // The request MUST include one of Upload-Length (a non-negative integer) or
  // Upload-Defer-Length, whose value MUST be 1; never both.
  const lengthHeader = headers.get('upload-length');
  const deferHeader = headers.get('upload-defer-length');
  const length = lengthHeader === null ? undefined : parseUploadInteger(lengthHeader);
  const lengthValid = lengthHeader === null ? deferHeader === '1' : length !== undefined && deferHeader === null;
  if (!lengthValid) throw appError('UPLOAD_LENGTH_INVALID');
  const metadata = readMetadata(headers);
  // If the length of the upload exceeds the maximum (Tus-Max-Size), the Server MUST respond with 413.
  if (length !== undefined && maxSize > 0 && length > maxSize) throw appError('UPLOAD_TOO_LARGE');
  // creation-with-upload: data comes with Content-Type: application/offset+octet-stream. Nothing
  // beyond the length is ever stored: a Content-Length that goes further is refused before
  // the upload is created.
  const withBody = hasOffsetOctetStream(headers);
  const maxBytes = bodyLimit(length, 0, maxSize);
  if (withBody && (parseContentLength(headers.get('content-length')) ?? 0) > maxBytes) throw tooMuch(length);
  // A checksum is checked before the upload is created, so a bad one stores nothing.
  const checksum = withBody ? readChecksumRequest(headers) : undefined;
  return { length, metadata, withBody, maxBytes, concat, checksum };
}

/** concatenation: a final upload's length is the sum of its partial uploads', and it takes no bytes of its own. */
function readFinalHeaders(headers: Headers, concat: FinalConcat): PostHeaders {
  // The Client MUST NOT include the Upload-Length header in the final upload creation.
  if (headers.get('upload-length') !== null || headers.get('upload-defer-length') !== null) {
    throw appError('UPLOAD_LENGTH_INVALID', { message: 'A final upload takes no Upload-Length: its length is the sum of its partial uploads.' });
  }
  // As a PATCH to a final upload would be, a body is refused (as tusd does).
  if (hasOffsetOctetStream(headers)) throw appError('UPLOAD_FINAL_IMMUTABLE');
  return { length: undefined, metadata: readMetadata(headers), withBody: false, maxBytes: 0, concat, checksum: undefined };
}

function readMetadata(headers: Headers): UploadMetadata | undefined {
  const header = headers.get('upload-metadata');
  return header === null ? undefined : parseUploadMetadata(header);
}
