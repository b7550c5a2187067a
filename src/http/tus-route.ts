import type { Server } from '@tus/server';
import type { Context } from 'hono';
import { TUS_PATH } from '../tus/create-tus-server.js';
import { takeTusError, tusResponseToAppError } from '../tus/tus-errors.js';
import { isUploadId, uploadIdFromPath } from '../tus/upload-id.js';
import type { AppEnv } from './context.js';
import { errorResponse, tusErrorHeaders } from './error-response.js';

/**
 * Hands a request to @tus/server (POST, HEAD, DELETE, OPTIONS) and turns its plain-text
 * error responses into our JSON errors, keeping its other headers.
 */
export function createTusRoute(tus: Server) {
  return async function tusRoute(c: Context<AppEnv>): Promise<Response> {
    const pathId = uploadIdFromPath(c.req.path, TUS_PATH);
    if (pathId !== undefined) c.set('uploadId', pathId);
    const response = await tus.handleWeb(c.req.raw);
    if (response.status === 201) {
      const createdId = response.headers.get('location')?.split('/').pop();
      if (isUploadId(createdId)) c.set('uploadId', createdId);
    }
    if (response.status < 400) return response;

    const error = takeTusError(c.req.raw) ?? tusResponseToAppError(response.status, await response.text());
    if (error.status >= 500) c.set('errorCause', error);
    const headers: Record<string, string> = {};
    response.headers.forEach((value, name) => {
      if (name !== 'content-length' && name !== 'content-type') headers[name] = value;
    });
    for (const [name, value] of Object.entries(tusErrorHeaders(error))) headers[name.toLowerCase()] = value;
    return errorResponse(error, headers);
  };
}
