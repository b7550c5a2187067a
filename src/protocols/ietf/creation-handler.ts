import { appError } from '../../errors/catalogue.js';
import { bodyLimit } from '../../uploads/append.js';
import { isFinished, type Upload } from '../../uploads/upload.js';
import { createUploadId, uploadUrl } from '../../uploads/upload-id.js';
import { inconsistentLength, indicatedLength, readContentLength, readMetadataExtension, readUploadComplete, uploadLimitHeader } from './ietf-headers.js';
import type { IetfTransfer } from './ietf-transfer.js';
import type { IetfBodyRequest, IetfHandlerOptions } from './ietf-upload.js';
import { serializeBoolean } from './structured-fields.js';

export interface CreationRequest extends IetfBodyRequest {
  /** Told the new upload's id as soon as the upload exists (before its body is read). */
  onUploadCreated?: (id: string) => void;
  /** Sends a `104 (Upload Resumption Supported)` interim response with these fields, where the transport can. */
  sendUploadResumptionSupported?: (fields: Record<string, string>) => void;
}

export type CreationHandler = (creation: CreationRequest) => Promise<Response>;

/**
 * Upload creation (POST /files/ with Upload-Complete): creates an upload resource, announces
 * it at once with a 104 interim response, then appends the request content as an append
 * would. The drafts' MUST sentences sit beside the code that honours them.
 */
export function createCreationHandler(options: IetfHandlerOptions, transfer: IetfTransfer): CreationHandler {
  const { engine, maxSize, publicUrl, interimResponses = true } = options;
  const { store } = engine;

  return async function handleCreation(creation) {
    const { headers, dialect } = creation;
    // Upload-Complete: ?1, the content is the entire representation; ?0, more will follow.
    const complete = readUploadComplete(headers);
    // The server MUST record the length if the Upload-Length or Upload-Complete: ?1 header fields are included.
    const length = indicatedLength(0, complete, headers);
    // max-size: "The server might not create an upload resource if the length deduced from the creation request is larger."
    if (length !== undefined && maxSize > 0 && length > maxSize) throw appError('UPLOAD_TOO_LARGE');
    const maxBytes = bodyLimit(length, 0, maxSize);
    const contentLength = readContentLength(headers);
    if (contentLength !== undefined && contentLength > maxBytes) {
      throw length !== undefined ? inconsistentLength('The content goes beyond the upload length.') : appError('UPLOAD_TOO_LARGE');
    }
    const metadata = readMetadataExtension(headers);

    const upload: Upload = { id: createUploadId(), offset: 0, protocol: 'ietf', createdAt: new Date().toISOString() };
    // The upload is the creating principal's (an anonymous one records no owner).
    if (creation.principal.owner !== undefined) upload.owner = creation.principal.owner;
    if (length !== undefined) upload.size = length;
    if (metadata !== undefined) {
      upload.metadata = metadata.decoded;
      upload.encodedMetadata = metadata.encoded;
    }
    await engine.create(upload);
    creation.onUploadCreated?.(upload.id);
    const location = uploadUrl(publicUrl, upload.id);
    const limit = uploadLimitHeader(dialect, { maxSize, lifetimeMs: store.getExpiration() > 0 ? store.getExpiration() : undefined });
    // The server SHOULD announce the upload resource with a 104 interim response, which MUST
    // include Location and Upload-Limit; a draft server MUST also send its interop version in it.
    // Some proxies take any 1xx for the final response (nginx): FERRY_IETF_INTERIM_RESPONSES=false.
    if (interimResponses)
      creation.sendUploadResumptionSupported?.({
        Location: location,
        'Upload-Limit': limit,
        'Upload-Draft-Interop-Version': String(dialect.version),
      });

    return transfer.run(creation, upload.id, {
      complete,
      createdEmpty: length === 0,
      // Nobody else knows a new id; the body is appended under the upload's lock all the same.
      prepare: async () => ({ upload, offset: 0, maxBytes }),
      respond(created) {
        const finished = isFinished(created);
        // Incomplete: the server MUST include Location and Upload-Limit; 201 (Created) is RECOMMENDED.
        // Complete: the resource's own response, a 201 with the upload's Location (draft -05: 2xx, 201 RECOMMENDED).
        return new Response(null, {
          status: 201,
          headers: {
            Location: location,
            'Upload-Complete': serializeBoolean(finished),
            // Draft -05: the server MUST send Upload-Offset in the response (tus-js-client reads it).
            'Upload-Offset': String(created.offset),
            'Upload-Limit': finished ? uploadLimitHeader(dialect, { maxSize }) : limit,
            'Content-Length': '0',
          },
        });
      },
    });
  };
}
