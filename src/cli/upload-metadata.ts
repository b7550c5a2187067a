import path from 'node:path';
import type { ImportMode } from '../imports/types.js';

/** Types by extension for the files people upload most; the server shows only safe types inline. */
const FILE_TYPES: Readonly<Record<string, string>> = {
  '.csv': 'text/csv',
  '.tsv': 'text/tab-separated-values',
  '.txt': 'text/plain',
  '.json': 'application/json',
  '.pdf': 'application/pdf',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gz': 'application/gzip',
  '.zip': 'application/zip',
};

export interface UploadMetadataOptions {
  schema?: string;
  mode?: ImportMode;
}

/**
 * The tus Upload-Metadata of one file: `filename`, `filetype` when the extension tells it,
 * and `schema` (and `mode`), which make the server import the file once it is complete.
 */
export function uploadMetadata(file: string, { schema, mode }: UploadMetadataOptions): Record<string, string> {
  const metadata: Record<string, string> = { filename: path.basename(file) };
  const type = FILE_TYPES[path.extname(file).toLowerCase()];
  if (type !== undefined) metadata.filetype = type;
  if (schema !== undefined) metadata.schema = schema;
  if (mode !== undefined) metadata.mode = mode;
  return metadata;
}

/**
 * True when an earlier run asked for the same metadata: an upload started without --schema
 * (or with another) must not be resumed by a run with it, or the import asked for never runs.
 */
export function sameMetadata(left: Readonly<Record<string, string>>, right: Readonly<Record<string, string>>): boolean {
  const keys = new Set([...Object.keys(left), ...Object.keys(right)]);
  return [...keys].every((key) => left[key] === right[key]);
}
