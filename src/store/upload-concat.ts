/**
 * How an upload takes part in a concatenation (tus concatenation extension), as its info
 * file records it. A partial upload is written like any other; a final upload is never
 * written to: its data file stays empty until it is assembled from its partial uploads.
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

/** Whether `value` (read from an info file) is an UploadConcat. */
export function isUploadConcat(value: unknown): value is UploadConcat {
  if (typeof value !== 'object' || value === null) return false;
  const concat = value as Record<string, unknown>;
  if (concat.kind === 'partial') return true;
  return concat.kind === 'final'
    && typeof concat.header === 'string'
    && Array.isArray(concat.partIds)
    && concat.partIds.length > 0
    && concat.partIds.every((id) => typeof id === 'string');
}
