import { closeSync, openSync, writeSync } from 'node:fs';
import { defineSchema } from '../../src/csv/schema/index.js';
import type { Schema } from '../../src/csv/types.js';
import { quoteField } from '../../src/csv/write/index.js';

/**
 * The bench's data: ten mixed columns (integers, a decimal, a boolean, an ISO date and
 * datetime, an enum, short and longer strings, some quoted with commas or quotes inside,
 * a few empty), about 100 bytes a row, every row valid, from a seeded generator so every
 * run reads the same bytes.
 */

const STATUSES = ['pending', 'paid', 'shipped', 'delivered', 'cancelled', 'refunded'];
const FIRST_NAMES = ['Anna', 'Bruno', 'Chloé', 'Dmitri', 'Emma', 'Farid', 'Grete', 'Hiro', 'Inès', 'Jonas', 'Kateřina', 'Liam'];
const LAST_NAMES = ['Müller', 'Smith', 'García', 'Okafor', 'Nowak', 'Rossi', 'Dubois', 'Tanaka', 'Jensen', "O'Brien"];
const WORDS = ['fragile', 'gift', 'wrap', 'leave', 'at', 'door', 'call', 'before', 'delivery', 'back', 'entrance', 'second', 'floor', 'no', 'rush'];
const DAY_MS = 86_400_000;
const EPOCH_2000 = Date.UTC(2000, 0, 1);
const CHUNK_ROWS = 8192;

/** The columns, for the report. */
export const DATA_DESCRIPTION = '10 columns (2 integers, a decimal, a boolean, a date, a datetime, an enum, 3 strings)';

/** The schema matching the generated file; `table` names both the schema and its table. */
export function benchSchema(table: string): Schema {
  return defineSchema({
    name: table,
    table,
    delimiter: ',',
    encoding: 'utf-8',
    columns: [
      { name: 'id', type: 'integer', required: true, minimum: 1 },
      { name: 'quantity', type: 'integer', minimum: -1000, maximum: 100_000 },
      { name: 'price', type: 'number', minimum: 0 },
      { name: 'in_stock', type: 'boolean' },
      { name: 'ordered_on', type: 'date' },
      { name: 'updated_at', type: 'datetime' },
      { name: 'status', type: 'enum', enum: STATUSES },
      { name: 'sku', type: 'string', maxLength: 16 },
      { name: 'customer', type: 'string', maxLength: 80 },
      { name: 'note', type: 'string', maxLength: 200 },
    ],
  });
}

/** xorshift32: a small seeded generator, good enough to vary test data. */
function createRandom(seed: number): (n: number) => number {
  let state = seed >>> 0 || 1;
  return (n) => {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state % n;
  };
}

function pick<T>(random: (n: number) => number, values: readonly T[]): T {
  return values[random(values.length)];
}

function customer(random: (n: number) => number): string {
  const first = pick(random, FIRST_NAMES);
  const last = pick(random, LAST_NAMES);
  // One in four is "Last, First": quoted because of the comma.
  return random(4) === 0 ? `${last}, ${first}` : `${first} ${last}`;
}

function note(random: (n: number) => number): string {
  const kind = random(10);
  if (kind === 0) return '';
  const words = Array.from({ length: 1 + random(4) }, () => pick(random, WORDS)).join(' ');
  if (kind === 1) return `said "${words}", then left`;
  if (kind === 2) return `${words}, ${pick(random, WORDS)}`;
  return words;
}

function row(id: number, random: (n: number) => number): string {
  const orderedOn = EPOCH_2000 + random(9000) * DAY_MS;
  const updatedAt = new Date(orderedOn + random(DAY_MS));
  const fields = [
    String(id),
    String(random(5000) - 500),
    (random(10_000_000) / 100).toFixed(2),
    random(2) === 0 ? 'true' : 'false',
    new Date(orderedOn).toISOString().slice(0, 10),
    `${updatedAt.toISOString().slice(0, 19)}Z`,
    pick(random, STATUSES),
    `SKU-${String(random(100_000)).padStart(5, '0')}`,
    customer(random),
    note(random),
  ];
  return fields.map((field) => quoteField(field, ',')).join(',');
}

/** Writes the header and `rows` data rows (LF line ends) to `file`; returns its size in bytes. */
export function writeBenchCsv(file: string, schema: Schema, rows: number): number {
  const random = createRandom(0x5eed);
  const fd = openSync(file, 'w');
  let bytes = 0;
  try {
    bytes += writeSync(fd, `${schema.columns.map((column) => column.name).join(',')}\n`);
    for (let start = 1; start <= rows; start += CHUNK_ROWS) {
      const end = Math.min(rows, start + CHUNK_ROWS - 1);
      const lines: string[] = [];
      for (let id = start; id <= end; id += 1) lines.push(row(id, random));
      bytes += writeSync(fd, `${lines.join('\n')}\n`);
    }
  } finally {
    closeSync(fd);
  }
  return bytes;
}
