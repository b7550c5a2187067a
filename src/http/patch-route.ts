import type { Metrics } from '../metrics/metrics.js';
import type { PatchHandler } from '../tus/patch-handler.js';
import { isUploadId } from '../tus/upload-id.js';
import { createBodyRoute } from './body-route.js';

export interface PatchRouteOptions {
  handlePatch: PatchHandler;
  metrics: Metrics;
}

/** PATCH /files/:id (and POST with X-HTTP-Method-Override: PATCH) through our handler. */
export function createPatchRoute({ handlePatch, metrics }: PatchRouteOptions) {
  return createBodyRoute(metrics, function patch(c, body) {
    const id = c.req.param('id');
    if (isUploadId(id)) c.set('uploadId', id);
    return handlePatch({ ...body, id });
  });
}
