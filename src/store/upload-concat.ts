import type { UploadConcat } from '../uploads/upload.js';

/** Whether `value` (read from an info file) is an UploadConcat. */
export function isUploadConcat(value: unknown): value is UploadConcat {
  if (typeof value !== 'object' || value === null) return false;
  const concat = value as Record<string, unknown>;
  if (concat.kind === 'partial') return true;
  return (
    concat.kind === 'final' &&
    typeof concat.header === 'string' &&
    Array.isArray(concat.partIds) &&
    concat.partIds.length > 0 &&
    concat.partIds.every((id) => typeof id === 'string')
  );
}
