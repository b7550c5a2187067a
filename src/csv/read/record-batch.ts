import type { RawRecord } from '../types.js';

/**
 * Records on their way from the read worker to the main thread, in a shape that is cheap
 * to clone: the fields as plain string arrays, row and line numbers in a transferable
 * Float64Array (exact up to 2^53), and only the rare blank or faulty records as whole
 * objects. Measured on the benchmark's rows, this clones in about 60% of the time a
 * RawRecord[] takes, and beat packing each batch into one string joined by separator
 * characters (which costs the worker a join and the main thread a split for no gain).
 */
export interface RecordBatch {
  /** `row, line` of each record, in order. */
  positions: Float64Array<ArrayBuffer>;
  /** The fields of the regular records (neither blank nor with problems), in order. */
  fields: string[][];
  /** Blank records and records with problems, whole, by their index in the batch. */
  irregular: IrregularRecord[];
}

export interface IrregularRecord {
  index: number;
  record: RawRecord;
}

export function packRecords(records: readonly RawRecord[]): RecordBatch {
  const positions = new Float64Array(records.length * 2);
  const fields: string[][] = [];
  const irregular: IrregularRecord[] = [];
  records.forEach((record, index) => {
    positions[index * 2] = record.row;
    positions[index * 2 + 1] = record.line;
    if (record.blank || record.problems.length > 0) irregular.push({ index, record });
    else fields.push(record.fields);
  });
  return { positions, fields, irregular };
}

/** The records of a batch, as the reader made them. */
export function unpackRecords({ positions, fields, irregular }: RecordBatch): RawRecord[] {
  const count = positions.length / 2;
  const records: RawRecord[] = new Array(count);
  let nextRegular = 0;
  let nextIrregular = 0;
  for (let index = 0; index < count; index += 1) {
    const special = irregular[nextIrregular];
    if (special !== undefined && special.index === index) {
      records[index] = special.record;
      nextIrregular += 1;
    } else {
      records[index] = { row: positions[index * 2], line: positions[index * 2 + 1], fields: fields[nextRegular], blank: false, problems: [] };
      nextRegular += 1;
    }
  }
  return records;
}
