import type { DetailedError } from 'tus-js-client';
import { SIGN_IN_MESSAGE, serverMessageOf } from './api.js';
import { formatBytes, formatDelay } from './format.js';

/** What the page knows about the server's limits. */
export interface ServerLimits {
  /** Tus-Max-Size, when the server declares one. */
  maxSize?: number;
}

function isDetailedError(error: Error): error is DetailedError {
  return 'originalRequest' in error && (error as DetailedError).originalRequest != null;
}

/** The HTTP status behind a tus-js-client error: 0 when no answer came (network down). */
export function statusOf(error: Error): number | undefined {
  if (!isDetailedError(error)) return undefined;
  return error.originalResponse?.getStatus() ?? 0;
}

export function tooLargeMessage(maxSize: number | undefined): string {
  return maxSize === undefined ? 'This file is larger than the server accepts.' : `This file is larger than the server accepts (max ${formatBytes(maxSize)}).`;
}

/**
 * Worth trying again: no answer at all, a server error (5xx), or 409/423 (the offset moved,
 * the upload is locked by a request still ending). A 4xx such as 413 will not change.
 */
export function shouldRetry(error: Error): boolean {
  const status = statusOf(error);
  return status === 0 || status === 409 || status === 423 || (status !== undefined && status >= 500);
}

/** The line shown while tus-js-client waits `delayMs` before attempt `attempt` (1-based) of `attempts`. */
export function describeRetry(error: Error, delayMs: number, attempt: number, attempts: number): string {
  const status = statusOf(error);
  const when = delayMs < 1000 ? 'retrying now' : `retrying in ${formatDelay(delayMs)}`;
  const count = `(attempt ${attempt} of ${attempts})`;
  if (status === 0) return `The server cannot be reached; ${when}… ${count}`;
  if (status === 409 || status === 423) return `The server is still busy with this upload; ${when}… ${count}`;
  return `The server had a problem (${status}); ${when}… ${count}`;
}

/** After a failure, whether pressing Resume may help: a retryable error, or a 401 (a new token may be pasted). */
export function canResumeAfter(error: Error): boolean {
  return shouldRetry(error) || statusOf(error) === 401;
}

/** The final word on a failed upload, in plain words. */
export function describeUploadError(error: Error, { maxSize }: ServerLimits = {}): string {
  const status = statusOf(error);
  if (status === undefined) return `The upload could not start: ${error.message}`;
  if (status === 0) return 'The server cannot be reached. Check the connection, then press Resume to continue where the upload stopped.';
  const response = (error as DetailedError).originalResponse;
  if (status === 413) {
    const declared = Number(response?.getHeader('Tus-Max-Size'));
    return tooLargeMessage(Number.isSafeInteger(declared) && declared > 0 ? declared : maxSize);
  }
  if (status === 401) return `${SIGN_IN_MESSAGE} Then press Resume.`;
  if (status === 403) return 'The server refused the upload: you are not allowed to upload here (403).';
  const message = serverMessageOf(response?.getBody());
  return message === undefined ? `The upload failed: the server answered ${status}.` : `The upload failed: ${message}`;
}
