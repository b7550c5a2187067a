import { appError } from '../../errors/catalogue.js';
import type { BodyRequest, UploadRequest } from '../../uploads/append.js';
import type { UploadEngine } from '../../uploads/engine.js';
import { expiresAt, type Upload } from '../../uploads/upload.js';
import type { IetfDialect } from './interop-versions.js';

/** What every IETF handler is built from: the engine tus uses too, and the limits. */
export interface IetfHandlerOptions {
  engine: UploadEngine;
  /** FERRY_MAX_SIZE; 0 is no limit. */
  maxSize: number;
  /** The base of Location (config.publicUrl); empty: a relative Location. */
  publicUrl: string;
  /** Announce a creation with 104 (Upload Resumption Supported) before the body is read (default true; a SHOULD). */
  interimResponses?: boolean;
}

/** An IETF request as the route table hands it over (with the principal it speaks for). */
export interface IetfRequest extends UploadRequest {
  headers: Headers;
  dialect: IetfDialect;
  /** The id from the URL, as routed; anything but a valid upload id is 404. */
  id: string | undefined;
}

/** An IETF request whose content goes into an upload (creation, append). */
export type IetfBodyRequest = IetfRequest & BodyRequest;

/**
 * Checks that `upload` may be served to an IETF request: created by IETF (an upload is
 * resumed only with its own protocol) and not expired (finished uploads never expire).
 */
export function checkIetfUpload(upload: Upload, expirationMs: number): void {
  if (upload.protocol !== 'ietf') throw appError('UPLOAD_PROTOCOL_MISMATCH', { details: { protocol: upload.protocol } });
  const remaining = remainingLifetimeMs(upload, expirationMs);
  if (remaining !== undefined && remaining < 0) throw appError('UPLOAD_GONE');
}

/** How long an unfinished upload has left (ms), or undefined when it does not expire. */
export function remainingLifetimeMs(upload: Upload, expirationMs: number): number | undefined {
  const expiry = expiresAt(upload, expirationMs);
  return expiry === undefined ? undefined : expiry.getTime() - Date.now();
}
