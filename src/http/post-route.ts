import type { Metrics } from '../metrics/metrics.js';
import type { PostHandler } from '../tus/post-handler.js';
import { createBodyRoute } from './body-route.js';

export interface PostRouteOptions {
  handlePost: PostHandler;
  metrics: Metrics;
}

/** POST /files (creation, creation-with-upload) through our handler. */
export function createPostRoute({ handlePost, metrics }: PostRouteOptions) {
  return createBodyRoute(metrics, function post(c, body) {
    return handlePost({
      ...body,
      onUploadCreated(id, location) {
        c.set('uploadId', id);
        c.set('createdLocation', location);
      },
    });
  });
}
