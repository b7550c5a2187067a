import type { UploadEngine } from '../../uploads/engine.js';
import { createDeleteHandler } from './delete-handler.js';
import { createHeadHandler } from './head-handler.js';
import { createOptionsHandler } from './options-handler.js';
import { createPatchHandler } from './patch-handler.js';
import { createPostHandler, type PostRequest } from './post-handler.js';
import type { TusBodyRequest, TusHandler } from './tus-request.js';

export type { PostRequest } from './post-handler.js';
export { TUS_RESUMABLE, tusErrorHeaders } from './tus-headers.js';
export type { TusBodyRequest, TusHandler, TusRequest } from './tus-request.js';

export interface TusHandlersOptions {
  /** Tus-Max-Size; 0 is no limit. */
  maxSize: number;
  /** The base of Location (config.publicUrl); empty: a relative Location. */
  publicUrl: string;
}

/** tus 1.0.0 on /files/: one small handler per method. */
export interface TusHandlers {
  handlePost: TusHandler<PostRequest>;
  handleHead: TusHandler;
  handlePatch: TusHandler<TusBodyRequest>;
  handleDelete: TusHandler;
  handleOptions: () => Promise<Response>;
}

export function createTusHandlers(engine: UploadEngine, { maxSize, publicUrl }: TusHandlersOptions): TusHandlers {
  return {
    handlePost: createPostHandler(engine, { maxSize, publicUrl }),
    handleHead: createHeadHandler(engine),
    handlePatch: createPatchHandler(engine, { maxSize }),
    handleDelete: createDeleteHandler(engine),
    handleOptions: createOptionsHandler({ maxSize, expires: engine.store.getExpiration() > 0 }),
  };
}
