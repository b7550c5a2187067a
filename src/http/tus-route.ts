import type { Server } from '@tus/server';
import type { Context } from 'hono';
import { discoveryHeaders } from '../tus/tus-discovery.js';
import { takeTusError, tusResponseToAppError } from '../tus/tus-errors.js';
import { TUS_PATH, uploadIdFromPath } from '../tus/upload-id.js';
import type { AppEnv } from './context.js';
import { errorResponse, tusErrorHeaders } from './error-response.js';

/**
 * Hands a request to @tus/server (DELETE, OPTIONS) and turns its plain-text error
 * responses into our JSON errors, keeping its other headers. A successful OPTIONS gets
 * the discovery headers of the extensions our own handlers add (@tus/server knows only
 * the store's).
 */
export function createTusRoute(tus: Server) {
  const discovery = Object.entries(discoveryHeaders(tus.datastore.extensions));
  return async function tusRoute(c: Context<AppEnv>): Promise<Response> {
    const pathId = uploadIdFromPath(c.req.path, TUS_PATH);
    if (pathId !== undefined) c.set('uploadId', pathId);
    const response = await tus.handleWeb(c.req.raw);
    if (response.status < 400) {
      if (c.req.method === 'OPTIONS') for (const [name, value] of discovery) response.headers.set(name, value);
      return response;
    }

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
