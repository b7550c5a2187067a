import type { RawRecord } from '../types.js';

/**
 * Records on their way from the read worker to the main thread, in a shape that is cheap
 * to clone. postMessage walks an array of arrays of strings field by field, on both
 * threads; one string per batch is a single copy, and `split` on the main thread is
 * native (posting 330 batches of 600 benchmark rows: about 25 ms of CPU packed, 185 ms
 * as arrays). Row and line numbers travel in a transferable Float64Array (exact up to 2^53).
 */
export interface RecordBatch {
  /** `row, line` of each record, in order. */
  positions: Float64Array<ArrayBuffer>;
  /**
   * The regular records' fields (neither blank nor with problems): fields joined by
   * FIELD_SEPARATOR, records by RECORD_SEPARATOR. Undefined when a field may hold one of
   * them; then `fields` holds the arrays themselves.
   */
  packed: string | undefined;
  fields: string[][] | undefined;
  /** Blank records and records with problems, whole, by their index in the batch: they are rare. */
  irregular: IrregularRecord[];
}

export interface IrregularRecord {
  index: number;
  record: RawRecord;
}

/** ASCII's own unit and record separators: control characters no CSV export writes. */
export const FIELD_SEPARATOR = '\u001f';
export const RECORD_SEPARATOR = '\u001e';
const SEPARATOR_BYTES = [0x1f, 0x1e] as const;

/**
 * Whether `bytes` may encode a separator. Checked on the raw bytes, before decoding: in
 * UTF-8, Latin-1 and UTF-16 alike, U+001E and U+001F need a byte 0x1E or 0x1F, so a
 * chunk without those bytes adds no separator to any field (the check can be wrong only
 * the safe way, for UTF-16 text that holds such bytes in other characters).
 */
export function mayHoldSeparator(bytes: Uint8Array): boolean {
  return SEPARATOR_BYTES.some((byte) => bytes.includes(byte));
}

/** Packs `records`; `packable` is false once any byte read so far may have been a separator. */
export function packRecords(records: readonly RawRecord[], packable: boolean): RecordBatch {
  const positions = new Float64Array(records.length * 2);
  const regular: string[][] = [];
  const irregular: IrregularRecord[] = [];
  records.forEach((record, index) => {
    positions[index * 2] = record.row;
    positions[index * 2 + 1] = record.line;
    if (record.blank || record.problems.length > 0) irregular.push({ index, record });
    else regular.push(record.fields);
  });
  if (!packable) return { positions, packed: undefined, fields: regular, irregular };
  const texts = regular.map((fields) => fields.join(FIELD_SEPARATOR));
  return { positions, packed: texts.join(RECORD_SEPARATOR), fields: undefined, irregular };
}

/** The records of a batch, as the reader made them. */
export function unpackRecords(batch: RecordBatch): RawRecord[] {
  const { positions, irregular } = batch;
  const count = positions.length / 2;
  const regular = batch.fields ?? splitPacked(batch.packed ?? '', count - irregular.length);
  const records: RawRecord[] = new Array(count);
  let next = 0;
  let nextIrregular = 0;
  for (let index = 0; index < count; index += 1) {
    const special = irregular[nextIrregular];
    if (special !== undefined && special.index === index) {
      records[index] = special.record;
      nextIrregular += 1;
      continue;
    }
    records[index] = { row: positions[index * 2], line: positions[index * 2 + 1], fields: regular[next], blank: false, problems: [] };
    next += 1;
  }
  return records;
}

function splitPacked(packed: string, count: number): string[][] {
  if (count === 0) return [];
  return packed.split(RECORD_SEPARATOR).map((text) => text.split(FIELD_SEPARATOR));
}
