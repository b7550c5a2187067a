import { randomBytes } from 'node:crypto';

/** Ids of imports started through POST /imports: 32 lowercase hex digits from the CSPRNG. */
export function createImportId(): string {
  return randomBytes(16).toString('hex');
}

/** The one id of an upload's automatic import, so a repeated finish event never starts a second. */
export function importIdForUpload(uploadId: string): string {
  return `upload-${uploadId}`;
}

const IMPORT_ID = /^(?:upload-)?[0-9a-f]{32}$/;

/** Only these shapes name an import (and a file under the imports directory): nothing walks a path. */
export function isImportId(value: string): boolean {
  return IMPORT_ID.test(value);
}
