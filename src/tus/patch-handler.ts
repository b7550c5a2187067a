import type { EventEmitter } from 'node:events';
import { EVENTS, TUS_RESUMABLE, type Locker, type Upload } from '@tus/utils';
import { isAppError, type AppError } from '../errors/app-error.js';
import { appError } from '../errors/catalogue.js';
import type { AppendResult } from '../store/types.js';
import type { FinishUpload } from './finish-upload.js';
import { readBody, type BodySource } from './read-body.js';
import { tusThrownToAppError } from './tus-errors.js';
import { isUploadFinished, uploadExpiresAt } from './upload-expiry.js';
import { isUploadId } from './upload-id.js';

/** What the PATCH handler needs of the store (the consumer owns the interface). */
export interface PatchStore {
  getUpload(id: string): Promise<Upload>;
  declareUploadLength(id: string, length: number): Promise<void>;
  getExpiration(): number;
  append(source: AsyncIterable<Uint8Array>, id: string, offset: number, maxBytes: number): Promise<AppendResult>;
}

export interface PatchRequest {
  /** For headers, the abort signal (client gone) and POST_FINISH listeners. Its body is never read. */
  request: Request;
  /** The id from the URL, as routed; anything but a valid upload id is 404. */
  id: string | undefined;
  /** The request body, read straight from the socket where possible. */
  body: AsyncIterable<Uint8Array>;
  onBytesReceived?: (bytes: number) => void;
}

export type PatchHandler = (patch: PatchRequest) => Promise<Response>;

export interface PatchHandlerOptions {
  store: PatchStore;
  /** The locker @tus/server uses, so PATCH, HEAD, POST and DELETE of one upload exclude each other. */
  locker: Locker;
  /** Tus-Max-Size; 0 is no limit. */
  maxSize: number;
  finishUpload: FinishUpload;
  /** The @tus/server instance: POST_FINISH is emitted on it, as its own handlers do. */
  events: EventEmitter;
  /** How long a PATCH may go on after another request asked for its lock (as @tus/server's lockDrainTimeout). */
  lockDrainTimeoutMs?: number;
}

/** The tus headers of a PATCH, validated. */
interface PatchHeaders {
  id: string;
  offset: number;
  /** creation-defer-length: the length, sent once it is known. */
  declaredLength: number | undefined;
  /** Absent for a chunked body. */
  contentLength: number | undefined;
}

/** How the append went; the upload is finished (and fsynced) when `finishedNow`, even after an error. */
interface AppendOutcome {
  upload: Upload;
  finishedNow: boolean;
  error?: unknown;
}

const OFFSET_OCTET_STREAM = 'application/offset+octet-stream';
const NO_BODY: AsyncIterable<Uint8Array> = { async *[Symbol.asyncIterator]() {} };

/**
 * PATCH (tus 1.0.0 core, creation-defer-length, expiration), reading the body straight
 * into the store. The spec's MUST sentences sit beside the code that honours them.
 */
export function createPatchHandler({
  store, locker, maxSize, finishUpload, events, lockDrainTimeoutMs = 3000,
}: PatchHandlerOptions): PatchHandler {
  /** Checks the upload against the request and fixes its length; returns how many bytes the body may add. */
  async function prepare(upload: Upload, { id, offset, declaredLength, contentLength }: PatchHeaders): Promise<number> {
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
    const maxBytes = bodyLimit(upload.size ?? declaredLength, offset);
    if (contentLength !== undefined && contentLength > maxBytes) throw tooMuch(upload.size ?? declaredLength);
    if (declaredLength !== undefined && upload.size === undefined) {
      await store.declareUploadLength(id, declaredLength);
      upload.size = declaredLength;
    }
    return maxBytes;
  }

  function bodyLimit(length: number | undefined, offset: number): number {
    if (length !== undefined) return length - offset;
    return maxSize > 0 ? maxSize - offset : Number.MAX_SAFE_INTEGER;
  }

  function tooMuch(length: number | undefined): AppError {
    return appError(length !== undefined ? 'UPLOAD_LENGTH_EXCEEDED' : 'UPLOAD_TOO_LARGE');
  }

  /**
   * Appends the body. A body that goes beyond the limit is stored up to it and then refused;
   * a client that goes away keeps what arrived. Either may have completed the upload, and
   * a completed upload is always confirmed (fsynced) and finished, whatever the response.
   */
  async function append(upload: Upload, offset: number, maxBytes: number, source: BodySource): Promise<AppendOutcome> {
    const finishedBefore = isUploadFinished(upload);
    try {
      const result = await store.append(source, upload.id, offset, maxBytes);
      upload.offset = result.offset;
      return { upload, finishedNow: result.finished && !finishedBefore };
    } catch (thrown) {
      const error = source.failure ?? (isAppError(thrown, 'UPLOAD_LENGTH_EXCEEDED') ? tooMuch(upload.size) : thrown);
      const completed = finishedBefore ? undefined : await confirmFinished(upload.id);
      return { upload: completed ?? upload, finishedNow: completed !== undefined, error };
    }
  }

  /** The upload, if it reached its length; appending nothing at the end reports `finished` only after an fsync. */
  async function confirmFinished(id: string): Promise<Upload | undefined> {
    try {
      const current = await store.getUpload(id);
      if (!isUploadFinished(current)) return undefined;
      const { finished } = await store.append(NO_BODY, id, current.offset, 0);
      return finished ? current : undefined;
    } catch {
      return undefined; // the client gets the original error
    }
  }

  return async function handlePatch({ request, id, body, onBytesReceived }) {
    const headers = readPatchHeaders(request.headers, id);
    const stop = new AbortController();
    let drainTimer: NodeJS.Timeout | undefined;
    const lock = locker.newLock(headers.id);
    // Another request asking for the lock means this client is probably gone (a half-open
    // connection): let the body drain for a while, then end it and keep what arrived.
    await lock.lock(request.signal, () => {
      drainTimer ??= setTimeout(() => stop.abort(), lockDrainTimeoutMs).unref();
    }).catch((error: unknown) => {
      throw tusThrownToAppError(error);
    });
    let outcome: AppendOutcome;
    try {
      const upload = await store.getUpload(headers.id);
      const maxBytes = await prepare(upload, headers);
      outcome = await append(upload, headers.offset, maxBytes, readBody(body, { stop: stop.signal, onBytesReceived }));
    } finally {
      clearTimeout(drainTimer);
      await lock.unlock();
    }

    const { upload, finishedNow, error } = outcome;
    if (finishedNow) await finishUpload(upload);
    if (error !== undefined) throw error;
    // The Server MUST acknowledge successful PATCH requests with 204 No Content and the new Upload-Offset.
    const responseHeaders: Record<string, string> = { 'Tus-Resumable': TUS_RESUMABLE, 'Upload-Offset': String(upload.offset) };
    // expiration: Upload-Expires MUST be included in every PATCH response if the upload is going to expire.
    const expiresAt = isUploadFinished(upload) ? undefined : uploadExpiresAt(upload, store.getExpiration());
    if (expiresAt !== undefined) responseHeaders['Upload-Expires'] = expiresAt.toUTCString();
    const response = new Response(null, { status: 204, headers: responseHeaders });
    if (finishedNow) events.emit(EVENTS.POST_FINISH, request, response, upload);
    return response;
  };
}

function readPatchHeaders(headers: Headers, id: string | undefined): PatchHeaders {
  // The Tus-Resumable header MUST be included in every request. If the version is not
  // supported, the Server MUST respond with 412 and MUST NOT process the request.
  if (headers.get('tus-resumable') !== TUS_RESUMABLE) throw appError('TUS_VERSION_UNSUPPORTED');
  if (!isUploadId(id)) throw appError('UPLOAD_NOT_FOUND');
  // All PATCH requests MUST use Content-Type: application/offset+octet-stream,
  // otherwise the server SHOULD return a 415 Unsupported Media Type status.
  if (headers.get('content-type')?.split(';', 1)[0].trim().toLowerCase() !== OFFSET_OCTET_STREAM) throw appError('UPLOAD_CONTENT_TYPE_INVALID');
  // The request MUST include an Upload-Offset header; its value MUST be a non-negative integer.
  const offset = parseNonNegativeInteger(headers.get('upload-offset'));
  if (offset === undefined) throw appError('UPLOAD_OFFSET_INVALID');
  // creation-defer-length: once the length is known, the Client MUST set Upload-Length in the next PATCH.
  const lengthHeader = headers.get('upload-length');
  const declaredLength = lengthHeader === null ? undefined : parseNonNegativeInteger(lengthHeader);
  if (lengthHeader !== null && declaredLength === undefined) throw appError('UPLOAD_LENGTH_INVALID');
  return { id, offset, declaredLength, contentLength: parseNonNegativeInteger(headers.get('content-length')) };
}

function parseNonNegativeInteger(value: string | null): number | undefined {
  if (value === null || !/^\d{1,16}$/.test(value)) return undefined;
  const number = Number(value);
  return Number.isSafeInteger(number) ? number : undefined;
}
