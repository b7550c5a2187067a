import { Server, type DataStore, type MemoryLocker } from '@tus/server';
import { EVENTS } from '@tus/utils';
import type { Config } from '../config/settings.js';
import { appError } from '../errors/catalogue.js';
import type { Metrics } from '../metrics/metrics.js';
import { uploadProtocol } from '../store/upload-protocol.js';
import { recordTusError, tusThrownToAppError } from './tus-errors.js';
import { TUS_PATH, uploadIdFromPath } from './upload-id.js';

export interface TusServerOptions {
  config: Pick<Config, 'maxSize'>;
  store: DataStore;
  /** Shared with our POST and PATCH handlers: all must lock the same uploads. */
  locker: MemoryLocker;
  metrics: Metrics;
}

/**
 * The @tus/server instance for HEAD, DELETE (termination) and OPTIONS (discovery, with
 * Tus-Max-Size). POST and PATCH are ours (src/tus/post-handler.ts, patch-handler.ts); so is
 * GET. Our handlers emit POST_CREATE and POST_FINISH on this instance, as its own would.
 */
export function createTusServer({ config, store, locker, metrics }: TusServerOptions): Server {
  const server = new Server({
    path: TUS_PATH,
    datastore: store,
    locker,
    maxSize: config.maxSize,
    getFileIdFromRequest: (request) => uploadIdFromPath(new URL(request.url).pathname, TUS_PATH),
    // Only DELETE reaches @tus/server with an upload id: an upload is terminated only with the protocol that created it.
    async onIncomingRequest(_request, id) {
      const upload = await store.getUpload(id);
      if (uploadProtocol(upload) !== 'tus') throw appError('UPLOAD_PROTOCOL_MISMATCH', { details: { protocol: uploadProtocol(upload) } });
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
