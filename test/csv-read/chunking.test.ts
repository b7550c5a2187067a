import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ReadOptions } from '../../src/csv/read/index.js';
import type { RawRecord } from '../../src/csv/types.js';
import { chunksOf, collect } from './harness.js';

const ALPHABET: (string | number[])[] = ['a', 'b', 'c', ',', ',', ';', '"', '"', '\n', '\n', '\r', '\r\n', ' ', 'é', [0xff], [0xe2, 0x82]];

/** A small deterministic generator, so that a failure can be replayed. */
function randomSource(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

function randomCsv(random: () => number): Buffer {
  const parts: Buffer[] = [];
  const length = Math.floor(random() * 300);
  for (let index = 0; index < length; index += 1) {
    const piece = ALPHABET[Math.floor(random() * ALPHABET.length)];
    parts.push(typeof piece === 'string' ? Buffer.from(piece) : Buffer.from(piece));
  }
  return Buffer.concat(parts);
}

/** Rows follow each other from skipLines + 1; lines go up; problems sit on their record. */
function assertWellFormed(records: RawRecord[], skipLines: number, context: string): void {
  records.forEach((record, index) => {
    assert.equal(record.row, skipLines + 1 + index, context);
    if (index > 0) assert.ok(record.line > records[index - 1].line, context);
    assert.ok(record.line >= record.row, context);
    for (const problem of record.problems) assert.deepEqual([problem.row, problem.line], [record.row, record.line], context);
  });
}

test('random bytes give the same records whatever the chunks, and never a crash or a hang', async () => {
  const random = randomSource(7);
  for (let round = 0; round < 400; round += 1) {
    const input = randomCsv(random);
    const options: Partial<ReadOptions> = {
      delimiter: random() < 0.5 ? ',' : 'auto',
      maxRecordSize: 4 + Math.floor(random() * 40),
      skipLines: Math.floor(random() * 3),
    };
    const context = `round ${round}: ${JSON.stringify(input.toString('latin1'))} ${JSON.stringify(options)}`;
    const whole = await collect(chunksOf(input, Math.max(input.length, 1)), options);
    assertWellFormed(whole, options.skipLines ?? 0, context);
    for (const size of [1, 2, 1 + Math.floor(random() * 16)]) {
      assert.deepEqual(await collect(chunksOf(input, size), options), whole, `${context}, chunks of ${size}`);
    }
  }
});

test('random well-formed CSV: fields, rows and start lines as written', async () => {
  const random = randomSource(11);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
  const breaks = ['\n', '\r\n', '\r'];
  for (let round = 0; round < 200; round += 1) {
    const expected: { row: number; line: number; fields: string[] }[] = [];
    let text = '';
    let line = 1;
    const count = 1 + Math.floor(random() * 12);
    for (let row = 1; row <= count; row += 1) {
      const fields = Array.from({ length: 1 + Math.floor(random() * 4) }, () =>
        Array.from({ length: Math.floor(random() * 6) }, () => pick(['x', 'é', ' ', ',', '"', ...breaks])).join(''),
      );
      const cells = fields.map((field) => (/[",\r\n]/.test(field) || (fields.length === 1 && field === '') ? `"${field.replaceAll('"', '""')}"` : field));
      expected.push({ row, line, fields });
      const cellText = cells.join(',');
      line += (cellText.match(/\r\n|\r|\n/g) ?? []).length + 1;
      text += cellText + (row < count || random() < 0.5 ? pick(breaks) : '');
    }
    const input = Buffer.from(text);
    for (const size of [input.length, 1, 1 + Math.floor(random() * 9)]) {
      const records = await collect(chunksOf(input, size));
      assert.deepEqual(
        records.map(({ row, line: start, fields, problems }) => ({ row, line: start, fields, problems: problems.length })),
        expected.map((record) => ({ ...record, problems: 0 })),
        `round ${round}, chunks of ${size}: ${JSON.stringify(text)}`,
      );
    }
  }
});
