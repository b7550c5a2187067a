import type { Encoding } from '../../csv/types.js';
import { appError } from '../../errors/catalogue.js';

/** How much of the start of a file is looked at. */
const SNIFF_BYTES = 1024;

/**
 * The source, unchanged, unless its first KiB holds a NUL (a zero byte; in UTF-16, a zero
 * code unit): text files never do, images, archives and spreadsheets nearly always. Then
 * it throws IMPORT_NOT_CSV before a single byte reaches the reader.
 */
export async function* rejectBinary(source: AsyncIterable<Uint8Array>, encoding: Encoding): AsyncGenerator<Uint8Array> {
  const held: Uint8Array[] = [];
  let heldBytes = 0;
  let checked = false;
  for await (const chunk of source) {
    if (checked) {
      yield chunk;
      continue;
    }
    held.push(chunk);
    heldBytes += chunk.byteLength;
    if (heldBytes >= SNIFF_BYTES) {
      checkStart(Buffer.concat(held).subarray(0, SNIFF_BYTES), encoding);
      checked = true;
      yield* held.splice(0);
    }
  }
  if (!checked) {
    checkStart(Buffer.concat(held), encoding);
    yield* held;
  }
}

function checkStart(start: Buffer, encoding: Encoding): void {
  if (hasNul(start, encoding)) throw appError('IMPORT_NOT_CSV');
}

function hasNul(bytes: Buffer, encoding: Encoding): boolean {
  if (encoding !== 'utf-16le' && encoding !== 'utf-16be') return bytes.includes(0);
  for (let index = 0; index + 1 < bytes.length; index += 2) {
    if (bytes[index] === 0 && bytes[index + 1] === 0) return true;
  }
  return false;
}
