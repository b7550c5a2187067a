import { Server, type DataStore, type MemoryLocker } from '@tus/server';
import { EVENTS } from '@tus/utils';
import type { Config } from '../config/settings.js';
import type { Metrics } from '../metrics/metrics.js';
import type { FinishUpload } from './finish-upload.js';
import { recordTusError, tusThrownToAppError } from './tus-errors.js';
import { createUploadId, uploadIdFromPath } from './upload-id.js';

/** Where uploads live in the URL space. */
export const TUS_PATH = '/files';

export interface TusServerOptions {
  config: Pick<Config, 'maxSize' | 'publicUrl'>;
  store: DataStore;
  /** Shared with our PATCH handler: both must lock the same uploads. */
  locker: MemoryLocker;
  metrics: Metrics;
  finishUpload: FinishUpload;
}

/**
 * The @tus/server instance for POST (creation, creation-with-upload), HEAD, DELETE
 * (termination) and OPTIONS. PATCH is ours (src/tus/patch-handler.ts); so is GET.
 */
export function createTusServer({ config, store, locker, metrics, finishUpload }: TusServerOptions): Server {
  const server = new Server({
    path: TUS_PATH,
    datastore: store,
    locker,
    maxSize: config.maxSize,
    namingFunction: createUploadId,
    getFileIdFromRequest: (request) => uploadIdFromPath(new URL(request.url).pathname, TUS_PATH),
    // Location comes from configuration, never from Host or X-Forwarded-* (a spoofed header would redirect clients).
    respectForwardedHeaders: false,
    generateUrl: (_request, { path, id }) => `${config.publicUrl}${path}/${id}`,
    async onUploadFinish(_request, upload) {
      await finishUpload(upload);
      return {};
    },
    onResponseError(request, error) {
      const appError = tusThrownToAppError(error);
      recordTusError(request, appError);
      return { status_code: appError.status, body: appError.body };
    },
  });
  server.on(EVENTS.POST_CREATE, () => metrics.uploadsCreated.inc());
  server.on(EVENTS.POST_TERMINATE, () => metrics.uploadsTerminated.inc());
  return server;
}
