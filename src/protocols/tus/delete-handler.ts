import { appError, type ErrorCode } from '../../errors/catalogue.js';
import type { UploadEngine } from '../../uploads/engine.js';
import { parseUploadMetadata } from '../../uploads/metadata.js';
import { isUploadId } from '../../uploads/upload-id.js';
import { checkTusResumable, parseUploadInteger, TUS_RESUMABLE } from './tus-headers.js';
import type { TusHandler } from './tus-request.js';
import { checkTusProtocol } from './tus-upload.js';

/** The tus headers a DELETE may carry, each with its rule and the code of a bad value (a table, as tus defines them). */
const HEADER_RULES: ReadonlyArray<readonly [name: string, isValid: (value: string) => boolean, code: ErrorCode]> = [
  ['upload-offset', (value) => parseUploadInteger(value) !== undefined, 'UPLOAD_OFFSET_INVALID'],
  ['upload-length', (value) => parseUploadInteger(value) !== undefined, 'UPLOAD_LENGTH_INVALID'],
  // Its value MUST be 1.
  ['upload-defer-length', (value) => value === '1', 'UPLOAD_LENGTH_INVALID'],
  ['upload-metadata', isMetadata, 'UPLOAD_METADATA_INVALID'],
  ['upload-concat', (value) => value === 'partial' || value.startsWith('final;'), 'UPLOAD_HEADER_INVALID'],
  ['tus-version', (value) => value === '1.0.0', 'UPLOAD_HEADER_INVALID'],
  ['x-forwarded-proto', (value) => value === 'http' || value === 'https', 'UPLOAD_HEADER_INVALID'],
];

/**
 * DELETE (termination): the Server SHOULD free the resources and MUST respond with
 * 204 No Content; later requests to the URL get 404 (the upload is gone). Termination takes
 * the upload's lock, so a PATCH still holding it is asked to let go first. A partial upload
 * that an unassembled final upload needs is refused (UPLOAD_PARTIAL_IN_USE, 409): terminate
 * the final first. Finished uploads may be terminated.
 */
export function createDeleteHandler(engine: UploadEngine): TusHandler {
  return async function handleDelete({ headers, signal, principal, id }) {
    checkTusResumable(headers);
    checkHeaders(headers);
    if (!isUploadId(id)) throw appError('UPLOAD_NOT_FOUND');
    // An upload is terminated only with the protocol that created it, and only by its owner (else 404).
    await engine.terminate(id, { signal, principal, check: checkTusProtocol });
    return new Response(null, { status: 204, headers: { 'Tus-Resumable': TUS_RESUMABLE } });
  };
}

/** Every header in HEADER_RULES must hold a valid value; the first invalid one with its own code decides it. */
function checkHeaders(headers: Headers): void {
  const invalid = HEADER_RULES.filter(([name, isValid]) => {
    const value = headers.get(name);
    return value !== null && !isValid(value);
  });
  if (invalid.length === 0) return;
  const specific = invalid.find(([, , code]) => code !== 'UPLOAD_HEADER_INVALID');
  throw appError(specific?.[2] ?? 'UPLOAD_HEADER_INVALID', { details: { headers: invalid.map(([name]) => name) } });
}

function isMetadata(value: string): boolean {
  try {
    parseUploadMetadata(value);
    return true;
  } catch {
    return false;
  }
}
