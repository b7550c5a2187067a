import { type AppendHandler, createAppendHandler } from './append-handler.js';
import { type CancelHandler, createCancelHandler } from './cancel-handler.js';
import { type CreationHandler, createCreationHandler } from './creation-handler.js';
import { PARTIAL_UPLOAD, uploadLimitHeader } from './ietf-headers.js';

export { ietfErrorHeaders } from './ietf-headers.js';

import { createIetfTransfer } from './ietf-transfer.js';
import type { IetfHandlerOptions } from './ietf-upload.js';
import type { IetfDialect } from './interop-versions.js';
import { createOffsetHandler, type OffsetHandler } from './offset-handler.js';

export type { CreationRequest } from './creation-handler.js';
export type { IetfBodyRequest, IetfHandlerOptions, IetfRequest } from './ietf-upload.js';
export { type IetfDialect, INTEROP_VERSIONS, type InteropVersion, ietfDialect } from './interop-versions.js';

/** IETF "Resumable Uploads for HTTP" on /files/, beside tus (see interop-versions.ts for the versions). */
export interface IetfHandlers {
  handleCreation: CreationHandler;
  handleAppend: AppendHandler;
  handleOffsetRetrieval: OffsetHandler;
  handleCancellation: CancelHandler;
  /** OPTIONS: limits and the append media type, for discovery before creating an upload. */
  handleOptions: (dialect: IetfDialect) => Response;
}

export function createIetfHandlers(options: IetfHandlerOptions): IetfHandlers {
  const transfer = createIetfTransfer(options);
  const expirationMs = options.engine.store.getExpiration();
  return {
    handleCreation: createCreationHandler(options, transfer),
    handleAppend: createAppendHandler(options, transfer),
    handleOffsetRetrieval: createOffsetHandler(options),
    handleCancellation: createCancelHandler(options),
    handleOptions(dialect) {
      return new Response(null, {
        status: 204,
        headers: {
          // A server that supports creation MUST include Upload-Limit in response to OPTIONS (min-size=0 if no limits).
          'Upload-Limit': uploadLimitHeader(dialect, { maxSize: options.maxSize, lifetimeMs: expirationMs > 0 ? expirationMs : undefined }),
          // Drafts -10 and -11: Accept-Patch MUST name application/partial-upload (dropped again in the editor's copy).
          'Accept-Patch': PARTIAL_UPLOAD,
        },
      });
    },
  };
}
