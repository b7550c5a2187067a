import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatEntryTable, wrapWords } from '../../src/cli/entry-table.js';
import type { ReportEntry } from '../../src/csv/types.js';

const LONG_MESSAGE =
  'row 4, column "Origin": "Atlantis" is not one of the allowed values US, Europe, Japan, Korea, China, India, Brazil, Mexico, Canada, Australia (the enum of the schema)';

function entry(message: string): ReportEntry {
  return { row: 4, line: 5, column: 'Origin', field: 9, value: 'Atlantis', code: 'constraint-error', message };
}

describe('the CLI error table', () => {
  it('wraps a long message between words, under its column, and keeps every word', () => {
    const table = formatEntryTable([entry(LONG_MESSAGE)]);
    const lines = table.split('\n');
    const messageColumn = lines[0].indexOf('message');
    const messageLines = lines.slice(1).map((line, index) => {
      if (index > 0) assert.equal(line.slice(0, messageColumn).trim(), '', `continuation line under the message column: ${line}`);
      return line.slice(messageColumn);
    });
    assert.ok(messageLines.length >= 2, table);
    assert.ok(
      messageLines.every((line) => line.length <= 100),
      table,
    );
    // Nothing cut: the lines joined with spaces are the message (without the position the table shows).
    assert.equal(messageLines.join(' '), LONG_MESSAGE.replace(/^row 4, column "Origin": /, ''));
    assert.doesNotMatch(table, /…/);
  });

  it('leaves a short message on one line', () => {
    const lines = formatEntryTable([entry('row 4, column "MPG": "eighteen" is not a number')]).split('\n');
    assert.equal(lines.length, 2);
    assert.match(lines[1], /"eighteen" is not a number$/);
  });

  it('wrapWords breaks only at spaces, and keeps a word longer than the width whole', () => {
    const cases: [string, number, string[]][] = [
      ['one two three', 7, ['one two', 'three']],
      ['one two three', 100, ['one two three']],
      ['a supercalifragilistic word', 10, ['a', 'supercalifragilistic', 'word']],
      ['', 10, ['']],
    ];
    for (const [text, width, expected] of cases) assert.deepEqual(wrapWords(text, width), expected, text);
  });
});
