import type { DecodedMetadata, EncodedMetadata } from './metadata.js';

/**
 * The protocol an upload was created with: tus 1.0.0, or IETF "Resumable Uploads for HTTP".
 * The two differ in how an upload completes and what their headers mean, so an upload is
 * resumed only with the protocol that created it.
 */
export type UploadProtocol = 'tus' | 'ietf';

/**
 * How an upload takes part in a concatenation (tus concatenation extension). A partial
 * upload is written like any other; a final upload is never written to: its data file
 * stays empty until it is assembled from its partial uploads.
 */
export type UploadConcat = PartialConcat | FinalConcat;

export interface PartialConcat {
  kind: 'partial';
}

export interface FinalConcat {
  kind: 'final';
  /** The partial uploads, in order (one may appear more than once). */
  partIds: string[];
  /** Upload-Concat as received on creation: HEAD must echo it. */
  header: string;
}

/**
 * ferry's upload, whatever protocol made it: a plain record, read from the store for each
 * request (state cached in memory is trusted only while the upload's lock is held).
 */
export interface Upload {
  id: string;
  /** The upload's length; undefined while it is deferred. */
  size?: number;
  /** Bytes stored: what the data file holds. */
  offset: number;
  /** Upload-Metadata decoded as UTF-8 text, for ferry's own use (filename, filetype, schema, mode). */
  metadata?: DecodedMetadata;
  /** Upload-Metadata's Base64 values as the client sent them, so they are returned byte-exact. */
  encodedMetadata?: EncodedMetadata;
  /** Set when the upload is a partial upload or a final one (tus concatenation). */
  concat?: UploadConcat;
  protocol: UploadProtocol;
  /** When the upload was created (ISO 8601); unfinished uploads expire counting from it. */
  createdAt: string;
  /**
   * Who the upload belongs to: the creating principal's owner, recorded at creation and kept
   * in the info file; absent when it was created anonymously. Only its owner (and an admin)
   * can see it (canSee in ownership.ts).
   */
  owner?: string;
}

/** An upload is finished once its offset reached its known length. */
export function isFinished(upload: Pick<Upload, 'size' | 'offset'>): boolean {
  return upload.size !== undefined && upload.offset === upload.size;
}

/**
 * When an upload expires (expiration extension), or undefined when it never does:
 * expiration is off (`expirationMs` ≤ 0), or the upload is finished (finished uploads stay).
 */
export function expiresAt(upload: Upload, expirationMs: number): Date | undefined {
  if (expirationMs <= 0 || isFinished(upload)) return undefined;
  return new Date(Date.parse(upload.createdAt) + expirationMs);
}

/** Whether the upload has expired at `now` (ms since the epoch). */
export function hasExpired(upload: Upload, expirationMs: number, now = Date.now()): boolean {
  const expiry = expiresAt(upload, expirationMs);
  return expiry !== undefined && now > expiry.getTime();
}
