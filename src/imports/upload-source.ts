/**
 * What imports need to know of an upload: structural, so the store's upload (a tus Upload,
 * or the engine's Upload model) fits as it is.
 */
export interface ImportableUpload {
  id: string;
  /** Undefined while the length is deferred. */
  size?: number;
  offset: number;
  metadata?: Record<string, string | null | undefined>;
  /** Who the upload belongs to; its imports are theirs too. */
  owner?: string;
}

/**
 * The uploads an import reads: the store, seen from here. Imports only read: an upload's
 * file is never changed or deleted by an import.
 */
export interface UploadSource {
  /** The upload, or UPLOAD_NOT_FOUND. */
  readUpload(id: string): Promise<ImportableUpload>;
  /** A finished upload's bytes as a pull-based stream (UPLOAD_NOT_FINISHED otherwise). */
  openDownload(id: string): Promise<{ size: number; stream: ReadableStream<Uint8Array> }>;
  /** Every finished upload, read one at a time (never all at once). */
  finishedUploads(): AsyncIterable<ImportableUpload>;
}
