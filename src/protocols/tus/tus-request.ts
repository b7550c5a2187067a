import type { BodyRequest, UploadRequest } from '../../uploads/append.js';

/**
 * A tus request as the route table hands it over: headers, the client's abort signal, the
 * principal it speaks for and the routed upload id.
 */
export interface TusRequest extends UploadRequest {
  headers: Headers;
  /** The id from the URL, as routed; anything but a valid upload id is 404. */
  id: string | undefined;
}

/** A tus request whose body goes into an upload (PATCH, POST with creation-with-upload). */
export type TusBodyRequest = TusRequest & BodyRequest;

/** A tus handler: throws an AppError for any refusal (the HTTP layer's error hook answers it). */
export type TusHandler<R extends TusRequest = TusRequest> = (request: R) => Promise<Response>;
