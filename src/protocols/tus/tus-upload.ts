import { appError } from '../../errors/catalogue.js';
import { hasExpired, type Upload } from '../../uploads/upload.js';

/**
 * Checks that `upload` may be served to a tus request: created by tus (an upload is resumed
 * only with the protocol that created it) and not expired (a Client resuming an upload
 * that the Server removed SHOULD get 404 or 410; finished uploads never expire).
 */
export function checkTusUpload(upload: Upload, expirationMs: number): void {
  checkTusProtocol(upload);
  if (hasExpired(upload, expirationMs)) throw appError('UPLOAD_GONE');
}

export function checkTusProtocol(upload: Upload): void {
  if (upload.protocol !== 'tus') throw appError('UPLOAD_PROTOCOL_MISMATCH', { details: { protocol: upload.protocol } });
}
