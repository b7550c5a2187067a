import type { Principal } from '../../auth/principal.js';
import { appError } from '../../errors/catalogue.js';
import { canSee } from '../../uploads/ownership.js';
import type { ImportRecord } from './import-record.js';
import type { ImportRecords } from './import-records.js';

/**
 * Import `id` as `viewer` sees it: another owner's import is IMPORT_NOT_FOUND, built exactly
 * as a missing one (same code, message, no details), so import ids cannot be probed.
 */
export async function findVisibleImport(records: ImportRecords, id: string, viewer: Principal): Promise<ImportRecord> {
  const record = await records.find(id);
  if (!canSee(viewer, record.owner)) throw appError('IMPORT_NOT_FOUND');
  return record;
}
