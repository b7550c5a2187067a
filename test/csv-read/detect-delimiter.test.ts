import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { detectDelimiter } from '../../src/csv/read/index.js';
import type { Delimiter } from '../../src/csv/types.js';

const cases: [title: string, sample: string, expected: Delimiter][] = [
  ['commas', 'a,b,c\n1,2,3\n4,5,6', ','],
  ['semicolons with decimal commas', 'name;price;weight\nTea;1,50;0,25\nCake;12,75;1', ';'],
  ['semicolons, decimal commas in some rows only', 'x;y\n1,2,3;4\n5;6\n7,8;9', ';'],
  ['tabs with commas in the text', 'name\tdescription\nfoo\tred, blue, green\nbar\tplain', '\t'],
  ['pipes', 'a|b\r\n1|2\r\n', '|'],
  ['non-ASCII text (csv-parse delimiter_auto throws on it)', 'Stadt;Straße\nZürich;Bahnhofstraße 1\nSão Paulo;Avenida Paulista, 1000\n東京;銀座', ';'],
  ['delimiters inside quotes do not count', '"a,b";"c,d"\n"e,f";"g,h"', ';'],
  ['a quoted line break does not end the line', 'a;"one, two\nthree, four, five"\nb;c', ';'],
  ['a tie goes to the earlier candidate', 'a,b;c\n1,2;3', ','],
  ['one column: no candidate at all', 'name\nAnn\nBob', ','],
  ['an empty sample', '', ','],
  ['blank lines are ignored', '\n\na;b\n\n1;2\n\n', ';'],
];

describe('detectDelimiter', () => {
  for (const [title, sample, expected] of cases) {
    test(title, () => {
      assert.equal(detectDelimiter(sample), expected);
    });
  }
});
