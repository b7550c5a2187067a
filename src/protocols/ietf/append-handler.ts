import { appError } from '../../errors/catalogue.js';
import { bodyLimit } from '../../uploads/append.js';
import { isFinished, type Upload } from '../../uploads/upload.js';
import { isUploadId, uploadUrl } from '../../uploads/upload-id.js';
import {
  hasPartialUploadType,
  inconsistentLength,
  indicatedLength,
  PARTIAL_UPLOAD,
  readContentLength,
  readUploadComplete,
  readUploadOffset,
} from './ietf-headers.js';
import type { IetfTransfer } from './ietf-transfer.js';
import { checkIetfUpload, type IetfBodyRequest, type IetfHandlerOptions } from './ietf-upload.js';
import { serializeBoolean } from './structured-fields.js';

export type AppendHandler = (append: IetfBodyRequest) => Promise<Response>;

/** Upload append (PATCH /files/<id>, application/partial-upload). The drafts' MUST sentences sit beside the code that honours them. */
export function createAppendHandler(options: IetfHandlerOptions, transfer: IetfTransfer): AppendHandler {
  const {
    engine: { store },
    maxSize,
    publicUrl,
  } = options;

  /** Checks the upload against the request and records the length; returns how many bytes the body may add. */
  async function prepare(upload: Upload, offset: number, complete: boolean, headers: Headers): Promise<number> {
    checkIetfUpload(upload, store.getExpiration());
    const contentLength = readContentLength(headers);
    if (isFinished(upload)) {
      // If the upload is already complete, the server MUST NOT modify it and MUST reject the
      // request (draft -05: with 400). An empty Upload-Complete: ?1 append at its end is a
      // client that lost the final response: "The server can choose to replay the final response".
      if (!(complete && offset === upload.offset && contentLength === 0)) throw appError('UPLOAD_ALREADY_COMPLETE');
      return 0;
    }
    // If Upload-Offset does not match the current offset, the server MUST reject the request
    // with 409 (Conflict) and MUST include the correct offset in Upload-Offset.
    if (upload.offset !== offset) throw appError('UPLOAD_OFFSET_MISMATCH', { details: { offset: upload.offset } });
    // The server MUST record the length if Upload-Length or Upload-Complete is included; "If
    // multiple requests include indicators, their indicated values MUST match."
    const length = indicatedLength(offset, complete, headers);
    if (length !== undefined) {
      if ((upload.size !== undefined && upload.size !== length) || length < upload.offset) throw inconsistentLength();
      if (maxSize > 0 && length > maxSize) throw appError('UPLOAD_TOO_LARGE');
      if (upload.size === undefined) {
        await store.declareUploadLength(upload.id, length);
        upload.size = length;
      }
    }
    // If the length is known, the server MUST prevent the offset from exceeding it; Content-Length alone is not enough.
    const maxBytes = bodyLimit(upload.size, offset, maxSize);
    if (contentLength !== undefined && contentLength > maxBytes) {
      throw upload.size !== undefined ? inconsistentLength('The content goes beyond the upload length.') : appError('UPLOAD_TOO_LARGE');
    }
    return maxBytes;
  }

  return async function handleAppend(append) {
    const { headers, dialect, id } = append;
    if (!isUploadId(id)) throw appError('UPLOAD_NOT_FOUND');
    // A client appends with a PATCH request with the application/partial-upload media type.
    if (!hasPartialUploadType(headers)) {
      throw appError('UPLOAD_CONTENT_TYPE_INVALID', { message: `IETF append requests (PATCH) must have Content-Type: ${PARTIAL_UPLOAD}.` });
    }
    const offset = readUploadOffset(headers);
    // The request MUST include the Upload-Complete header field.
    const complete = readUploadComplete(headers);
    return transfer.run(append, id, {
      complete,
      // The engine reads the upload under its lock: another owner's is 404, before any rule here.
      async prepare(upload) {
        return { upload, offset, maxBytes: await prepare(upload, offset, complete, headers) };
      },
      respond(upload) {
        const finished = isFinished(upload);
        const responseHeaders: Record<string, string> = {
          'Upload-Complete': serializeBoolean(finished),
          // Draft -05: the server MUST send Upload-Offset in the response (tus-js-client reads it).
          'Upload-Offset': String(upload.offset),
        };
        // Complete: the response the creation's resource would give for the whole representation
        // (a 201 naming the upload), which MUST include Upload-Complete: ?1.
        if (finished) responseHeaders.Location = uploadUrl(publicUrl, upload.id);
        // Incomplete: a 2xx with Upload-Complete: ?0 (draft -05: MUST be 201).
        const status = finished ? 201 : dialect.incompleteAppendStatus;
        // A 201 has a (empty) body: say so, rather than send it chunked.
        if (status === 201) responseHeaders['Content-Length'] = '0';
        return new Response(null, { status, headers: responseHeaders });
      },
    });
  };
}
