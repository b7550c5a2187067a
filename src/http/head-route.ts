import type { Context } from 'hono';
import type { HeadHandler } from '../tus/head-handler.js';
import { isUploadId } from '../tus/upload-id.js';
import type { AppEnv } from './context.js';
import { errorResponse, toAppError, tusErrorHeaders } from './error-response.js';

/** HEAD /files/:id (where to resume) through our handler; errors become JSON tus errors. */
export function createHeadRoute(handleHead: HeadHandler) {
  return async function headRoute(c: Context<AppEnv>): Promise<Response> {
    const id = c.req.param('id');
    if (isUploadId(id)) c.set('uploadId', id);
    try {
      return await handleHead({ request: c.req.raw, id });
    } catch (thrown) {
      const error = toAppError(thrown);
      if (error.status >= 500) c.set('errorCause', thrown);
      return errorResponse(error, tusErrorHeaders(error));
    }
  };
}
