import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readCell } from '../../src/csv/cells/index.js';
import { defineSchema } from '../../src/csv/schema/index.js';
import type { CellValue, Column, ColumnDefinition, SchemaDefinition } from '../../src/csv/types.js';
import { isAppError } from '../../src/errors/app-error.js';

type ColumnSpec = Omit<ColumnDefinition, 'name'>;
type SchemaOptions = Omit<SchemaDefinition, 'name' | 'columns'>;

function column(spec: ColumnSpec, options: SchemaOptions = {}): Column {
  return defineSchema({ name: 'cells', columns: [{ name: 'c', ...spec }], ...options }).columns[0];
}

const utc = (...parts: [number, number, number, number?, number?, number?, number?]): Date => {
  const [year, month, day, hour = 0, minute = 0, second = 0, millisecond = 0] = parts;
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, millisecond);
  return date;
};

/** [raw, value] pairs that decode, and [raw, message] pairs that are type-errors. */
interface TypeCases {
  title: string;
  spec: ColumnSpec;
  options?: SchemaOptions;
  accepted: [string, CellValue][];
  rejected: [string, string][];
}

// biome-ignore format: one case per line
const typeCases: TypeCases[] = [
  {
    title: 'string',
    spec: { type: 'string' },
    accepted: [['anything', 'anything'], ['  spaced ', '  spaced '], ['12,5', '12,5']],
    rejected: [],
  },
  {
    title: 'integer',
    spec: { type: 'integer' },
    accepted: [
      ['0', 0], ['42', 42], ['-7', -7], ['+5', 5], ['007', 7], ['-0', 0],
      ['9007199254740991', 9007199254740991], ['-9007199254740991', -9007199254740991],
      ['9007199254740992', 9007199254740992n], ['9007199254740993', 9007199254740993n], ['-9007199254740993', -9007199254740993n],
      ['9223372036854775807', 9223372036854775807n], ['-9223372036854775808', -9223372036854775808n],
    ],
    rejected: [
      ['0x10', '"0x10" is not a whole number'], ['1e3', '"1e3" is not a whole number'], ['12.0', '"12.0" is not a whole number'],
      ['12,5', '"12,5" is not a whole number'], [' 12', '" 12" is not a whole number'], ['12 ', '"12 " is not a whole number'],
      ['twelve', '"twelve" is not a whole number'], ['+', '"+" is not a whole number'], ['1_000', '"1_000" is not a whole number'],
      ['١٢', '"١٢" is not a whole number'],
      ['9223372036854775808', '"9223372036854775808" is outside the 64-bit integer range'],
      ['-9223372036854775809', '"-9223372036854775809" is outside the 64-bit integer range'],
    ],
  },
  {
    title: 'number with a decimal point',
    spec: { type: 'number' },
    accepted: [
      ['18.0', 18], ['3504.', 3504], ['.5', 0.5], ['-1.25', -1.25], ['+3', 3], ['1e3', 1000], ['1.5E-3', 0.0015], ['-0.0', 0], ['9007199254740993', 9007199254740992],
    ],
    rejected: [
      ['eighteen', '"eighteen" is not a number'], ['12,5', '"12,5" is not a number'], ['1,234.5', '"1,234.5" is not a number'],
      ['NaN', '"NaN" is not a number'], ['Infinity', '"Infinity" is not a number'], ['-Infinity', '"-Infinity" is not a number'],
      ['0x10', '"0x10" is not a number'], ['1e', '"1e" is not a number'], ['.', '"." is not a number'], [' 1', '" 1" is not a number'],
      ['1.2.3', '"1.2.3" is not a number'], ['1e400', '"1e400" is too large for a number'],
    ],
  },
  {
    title: 'number with a decimal comma',
    spec: { type: 'number' },
    options: { decimalSeparator: ',' },
    accepted: [['12,5', 12.5], ['3504,', 3504], [',5', 0.5], ['1e3', 1000], ['-2,5e2', -250], ['7', 7]],
    rejected: [
      ['12.5', '"12.5" is not a number (the decimal separator is ",")'], ['1.234,5', '"1.234,5" is not a number (the decimal separator is ",")'],
      ['1,2,3', '"1,2,3" is not a number (the decimal separator is ",")'],
    ],
  },
  {
    title: 'boolean with the default words',
    spec: { type: 'boolean' },
    accepted: [['true', true], ['TRUE', true], ['Yes', true], ['1', true], ['false', false], ['No', false], ['0', false]],
    rejected: [
      ['maybe', '"maybe" is not a yes/no value (expected one of true, yes, 1, false, no, 0)'], ['y', '"y" is not a yes/no value (expected one of true, yes, 1, false, no, 0)'],
      [' true', '" true" is not a yes/no value (expected one of true, yes, 1, false, no, 0)'],
    ],
  },
  {
    title: 'boolean with declared words',
    spec: { type: 'boolean', trueValues: ['ja', 'j'], falseValues: ['nein', 'n'] },
    accepted: [['JA', true], ['j', true], ['nein', false], ['N', false]],
    rejected: [['true', '"true" is not a yes/no value (expected one of ja, j, nein, n)']],
  },
  {
    title: 'date, ISO by default',
    spec: { type: 'date' },
    accepted: [['2024-03-01', utc(2024, 3, 1)], ['2024-02-29', utc(2024, 2, 29)], ['2000-02-29', utc(2000, 2, 29)], ['0099-01-01', utc(99, 1, 1)]],
    rejected: [
      ['2023-02-29', '"2023-02-29" is not a real date'], ['2023-02-30', '"2023-02-30" is not a real date'], ['1900-02-29', '"1900-02-29" is not a real date'],
      ['2024-13-01', '"2024-13-01" is not a real date'], ['2024-00-10', '"2024-00-10" is not a real date'], ['2024-04-31', '"2024-04-31" is not a real date'],
      ['12,5', '"12,5" is not a date in the form YYYY-MM-DD'], ['2024-3-1', '"2024-3-1" is not a date in the form YYYY-MM-DD'],
      ['2024-03-01T00:00:00', '"2024-03-01T00:00:00" is not a date in the form YYYY-MM-DD'], ['01.03.2024', '"01.03.2024" is not a date in the form YYYY-MM-DD'],
    ],
  },
  {
    title: 'date in a declared format',
    spec: { type: 'date', dateFormat: 'DD.MM.YYYY' },
    accepted: [['01.03.2024', utc(2024, 3, 1)], ['31.12.1999', utc(1999, 12, 31)]],
    rejected: [
      ['1.3.2024', '"1.3.2024" is not a date in the form DD.MM.YYYY'], ['2024-03-01', '"2024-03-01" is not a date in the form DD.MM.YYYY'],
      ['30.02.2024', '"30.02.2024" is not a real date'], ['12,5', '"12,5" is not a date in the form DD.MM.YYYY'],
    ],
  },
  {
    title: 'date without separators',
    spec: { type: 'date', dateFormat: 'YYYYMMDD' },
    accepted: [['20240301', utc(2024, 3, 1)]],
    rejected: [['2024031', '"2024031" is not a date in the form YYYYMMDD']],
  },
  {
    title: 'datetime, ISO 8601 by default',
    spec: { type: 'datetime' },
    accepted: [
      ['2024-03-01T12:30:00Z', utc(2024, 3, 1, 12, 30)], ['2024-03-01T12:30', utc(2024, 3, 1, 12, 30)],
      ['2024-03-01T14:30:00+02:00', utc(2024, 3, 1, 12, 30)], ['2024-03-01T14:30:00+0200', utc(2024, 3, 1, 12, 30)],
      ['2024-03-01T07:30:00-05', utc(2024, 3, 1, 12, 30)], ['2024-03-01T12:30:00.123456Z', utc(2024, 3, 1, 12, 30, 0, 123)],
      ['2024-03-01T12:30:00.5Z', utc(2024, 3, 1, 12, 30, 0, 500)],
    ],
    rejected: [
      ['2024-03-01', '"2024-03-01" is not a date and time in ISO 8601 form (e.g. 2024-03-01T12:30:00Z)'],
      ['2024-03-01 12:30:00', '"2024-03-01 12:30:00" is not a date and time in ISO 8601 form (e.g. 2024-03-01T12:30:00Z)'],
      ['12,5', '"12,5" is not a date and time in ISO 8601 form (e.g. 2024-03-01T12:30:00Z)'],
      ['2024-02-30T00:00:00Z', '"2024-02-30T00:00:00Z" is not a real date and time'], ['2024-03-01T24:00:00Z', '"2024-03-01T24:00:00Z" is not a real date and time'],
      ['2024-03-01T12:60Z', '"2024-03-01T12:60Z" is not a real date and time'], ['2024-03-01T12:30:00+25:00', '"2024-03-01T12:30:00+25:00" is not a real date and time'],
      ['9999-12-31T23:00:00-05:00', '"9999-12-31T23:00:00-05:00" is not a real date and time'],
    ],
  },
  {
    title: 'datetime in a declared format',
    spec: { type: 'datetime', dateFormat: 'DD.MM.YYYY HH:mm' },
    accepted: [['01.03.2024 08:15', utc(2024, 3, 1, 8, 15)]],
    rejected: [['01.03.2024', '"01.03.2024" is not a date and time in the form DD.MM.YYYY HH:mm'], ['01.03.2024 25:00', '"01.03.2024 25:00" is not a real date and time']],
  },
];

describe('cell types', () => {
  for (const { title, spec, options, accepted, rejected } of typeCases) {
    describe(title, () => {
      const target = column(spec, options);
      for (const [raw, value] of accepted) {
        it(`reads ${JSON.stringify(raw)}`, () => assert.deepEqual(readCell(target, raw), { value }));
      }
      for (const [raw, message] of rejected) {
        it(`refuses ${JSON.stringify(raw)}`, () => assert.deepEqual(readCell(target, raw), { code: 'type-error', message }));
      }
    });
  }

  it('enum matches exactly (case counts); anything else is a constraint-error', () => {
    const origin = column({ type: 'enum', enum: ['US', 'Europe', 'Japan'] });
    assert.deepEqual(readCell(origin, 'Japan'), { value: 'Japan' });
    assert.deepEqual(readCell(origin, 'us'), {
      code: 'constraint-error',
      message: '"us" is not one of US, Europe, Japan',
      details: { constraint: 'enum', limit: ['US', 'Europe', 'Japan'] },
    });
    assert.deepEqual(readCell(origin, 'Mars'), {
      code: 'constraint-error',
      message: '"Mars" is not one of US, Europe, Japan',
      details: { constraint: 'enum', limit: ['US', 'Europe', 'Japan'] },
    });
  });
});

type Outcome = { constraint: string; message: string } | { typeError: string } | { value: CellValue };

/** [title, column, raw, the broken constraint and message, a type-error, or the value]. */
const constraintCases: [string, ColumnSpec, string, Outcome][] = [
  ['required: a missing cell', { type: 'string', required: true }, '', { constraint: 'required', message: 'a value is required' }],
  ['minimum on integer', { type: 'integer', minimum: 18 }, '17', { constraint: 'minimum', message: '"17" is less than the minimum 18' }],
  ['minimum reached', { type: 'integer', minimum: 18 }, '18', { value: 18 }],
  ['maximum on number', { type: 'number', maximum: 10 }, '10.5', { constraint: 'maximum', message: '"10.5" is more than the maximum 10' }],
  ['maximum reached', { type: 'number', maximum: 10 }, '10', { value: 10 }],
  [
    'minimum on a bigint',
    { type: 'integer', minimum: 0 },
    '-9007199254740993',
    { constraint: 'minimum', message: '"-9007199254740993" is less than the minimum 0' },
  ],
  [
    'maximum on a bigint',
    { type: 'integer', maximum: 100 },
    '9007199254740993',
    { constraint: 'maximum', message: '"9007199254740993" is more than the maximum 100' },
  ],
  [
    'minimum on a date (bound in ISO, cell in its format)',
    { type: 'date', dateFormat: 'DD.MM.YYYY', minimum: '2000-01-01' },
    '31.12.1999',
    { constraint: 'minimum', message: '"31.12.1999" is before the minimum 2000-01-01' },
  ],
  [
    'maximum on a datetime',
    { type: 'datetime', maximum: '2024-12-31T23:59:59Z' },
    '2025-01-01T00:00:00Z',
    { constraint: 'maximum', message: '"2025-01-01T00:00:00Z" is after the maximum 2024-12-31T23:59:59Z' },
  ],
  ['minLength', { type: 'string', minLength: 3 }, 'ab', { constraint: 'minLength', message: '"ab" is shorter than 3 characters' }],
  ['minLength counts characters, not UTF-16 units', { type: 'string', minLength: 3, maxLength: 3 }, '😀😀😀', { value: '😀😀😀' }],
  ['maxLength counts characters', { type: 'string', maxLength: 3 }, '😀😀😀😀', { constraint: 'maxLength', message: '"😀😀😀😀" is longer than 3 characters' }],
  ['maxLength 1', { type: 'string', maxLength: 1 }, 'ab', { constraint: 'maxLength', message: '"ab" is longer than 1 character' }],
  ['pattern matches the whole cell', { type: 'string', pattern: '[A-Z]{2}-\\d{3}' }, 'AB-123', { value: 'AB-123' }],
  [
    'pattern is anchored at the end',
    { type: 'string', pattern: '[A-Z]{2}-\\d{3}' },
    'AB-1234',
    { constraint: 'pattern', message: '"AB-1234" does not match the pattern [A-Z]{2}-\\d{3}' },
  ],
  [
    'pattern is anchored at the start',
    { type: 'string', pattern: '[A-Z]{2}-\\d{3}' },
    'xAB-123',
    { constraint: 'pattern', message: '"xAB-123" does not match the pattern [A-Z]{2}-\\d{3}' },
  ],
  [
    'pattern alternation is anchored as a whole',
    { type: 'string', pattern: 'a|b' },
    'ab',
    { constraint: 'pattern', message: '"ab" does not match the pattern a|b' },
  ],
  ['pattern tests the raw cell of any type', { type: 'integer', pattern: '\\d{5}' }, '01234', { value: 1234 }],
  [
    'pattern on an integer column',
    { type: 'integer', pattern: '\\d{5}' },
    '1234',
    { constraint: 'pattern', message: '"1234" does not match the pattern \\d{5}' },
  ],
  ['enum on a string column', { type: 'string', enum: ['S', 'M', 'L'] }, 'XL', { constraint: 'enum', message: '"XL" is not one of S, M, L' }],
  [
    'the first broken constraint wins: minLength before pattern',
    { type: 'string', minLength: 3, pattern: '[a-z]+' },
    'A',
    { constraint: 'minLength', message: '"A" is shorter than 3 characters' },
  ],
  [
    'the first broken constraint wins: minimum before pattern',
    { type: 'integer', minimum: 10, pattern: '\\d\\d' },
    '5',
    { constraint: 'minimum', message: '"5" is less than the minimum 10' },
  ],
  ['type errors come before constraints', { type: 'integer', minimum: 10 }, 'ten', { typeError: '"ten" is not a whole number' }],
];

describe('constraints', () => {
  for (const [title, spec, raw, expected] of constraintCases) {
    it(title, () => {
      const result = readCell(column(spec), raw);
      if ('constraint' in expected) {
        assert.ok('code' in result);
        assert.equal(result.code, 'constraint-error');
        assert.equal(result.message, expected.message);
        assert.equal(result.details?.constraint, expected.constraint);
      } else if ('typeError' in expected) {
        assert.deepEqual(result, { code: 'type-error', message: expected.typeError });
      } else {
        assert.deepEqual(result, expected);
      }
    });
  }
});

describe('missing values', () => {
  it("are [''] by default: an empty cell is null, a blank one is not", () => {
    const target = column({ type: 'string' });
    assert.deepEqual(readCell(target, ''), { value: null });
    assert.deepEqual(readCell(target, ' '), { value: ' ' });
    assert.deepEqual(readCell(column({ type: 'integer' }), ''), { value: null });
  });

  it("come from the schema, and a column's own list replaces the schema's", () => {
    const schema = defineSchema({
      name: 'missing',
      missingValues: ['NA', ''],
      columns: [
        { name: 'count', type: 'integer' },
        { name: 'dash', type: 'integer', missingValues: ['-'] },
        { name: 'needed', type: 'integer', required: true },
      ],
    });
    const [count, dash, needed] = schema.columns;
    assert.deepEqual(readCell(count, 'NA'), { value: null });
    assert.deepEqual(readCell(count, ''), { value: null });
    assert.deepEqual(readCell(dash, '-'), { value: null });
    assert.deepEqual(readCell(dash, 'NA'), { code: 'type-error', message: '"NA" is not a whole number' });
    assert.deepEqual(readCell(dash, ''), { code: 'type-error', message: '"" is not a whole number' });
    assert.deepEqual(readCell(needed, 'NA'), { code: 'constraint-error', message: 'a value is required', details: { constraint: 'required' } });
  });
});

describe('custom parse and format', () => {
  const cents = column({
    type: 'integer',
    minimum: 0,
    parse: (raw) => {
      if (!/^-?\d+\.\d\d$/.test(raw)) throw new Error(`"${raw}" is not an amount like 12.34`);
      return Math.round(Number(raw) * 100);
    },
    format: (value) => ((value as number) / 100).toFixed(2),
  });

  it('replace decode and encode', () => {
    assert.deepEqual(readCell(cents, '12.34'), { value: 1234 });
    assert.equal(cents.encode(1234), '12.34');
    assert.equal(cents.encode(null), '');
  });

  it('turn a thrown error into a type-error with its message', () => {
    assert.deepEqual(readCell(cents, '12'), { code: 'type-error', message: '"12" is not an amount like 12.34' });
    const odd = column({
      type: 'string',
      parse: () => {
        throw 'no';
      },
    });
    assert.deepEqual(readCell(odd, 'x'), { code: 'type-error', message: '"x" is not a valid value' });
  });

  it('still have their value checked by the constraints', () => {
    assert.deepEqual(readCell(cents, '-1.00'), {
      code: 'constraint-error',
      message: '"-1.00" is less than the minimum 0',
      details: { constraint: 'minimum', limit: 0 },
    });
  });
});

describe('encode', () => {
  const roundTrips: [string, ColumnSpec, SchemaOptions, CellValue, string][] = [
    ['integer', { type: 'integer' }, {}, 0, '0'],
    ['negative integer', { type: 'integer' }, {}, -5, '-5'],
    ['largest safe integer', { type: 'integer' }, {}, 9007199254740991, '9007199254740991'],
    ['bigint', { type: 'integer' }, {}, 9007199254740993n, '9007199254740993'],
    ['the smallest 64-bit integer', { type: 'integer' }, {}, -(2n ** 63n), '-9223372036854775808'],
    ['whole number', { type: 'number' }, {}, 3504, '3504'],
    ['fraction', { type: 'number' }, {}, 0.1, '0.1'],
    ['tiny number', { type: 'number' }, {}, -1.5e-7, '-1.5e-7'],
    ['huge number', { type: 'number' }, {}, 1e21, '1e+21'],
    ['largest double', { type: 'number' }, {}, Number.MAX_VALUE, '1.7976931348623157e+308'],
    ['smallest double', { type: 'number' }, {}, Number.MIN_VALUE, '5e-324'],
    ['decimal comma', { type: 'number' }, { decimalSeparator: ',' }, 12.5, '12,5'],
    ['decimal comma, exponent', { type: 'number' }, { decimalSeparator: ',' }, 1.25e-9, '1,25e-9'],
    ['true, first word', { type: 'boolean' }, {}, true, 'true'],
    ['false, declared words', { type: 'boolean', trueValues: ['ja'], falseValues: ['nein', 'n'] }, {}, false, 'nein'],
    ['ISO date', { type: 'date' }, {}, utc(2024, 2, 29), '2024-02-29'],
    ['date before year 100', { type: 'date' }, {}, utc(99, 1, 1), '0099-01-01'],
    ['declared date format', { type: 'date', dateFormat: 'DD.MM.YYYY' }, {}, utc(2024, 2, 29), '29.02.2024'],
    ['ISO datetime', { type: 'datetime' }, {}, utc(2024, 3, 1, 12, 30, 0, 250), '2024-03-01T12:30:00.250Z'],
    ['declared datetime format', { type: 'datetime', dateFormat: 'YYYY-MM-DDTHH:mm:ss' }, {}, utc(2024, 3, 1, 12, 30, 5), '2024-03-01T12:30:05'],
    ['enum', { type: 'enum', enum: ['US', 'Japan'] }, {}, 'Japan', 'Japan'],
    ['string', { type: 'string' }, {}, 'x, "y"', 'x, "y"'],
    ['null as the default missing value', { type: 'integer' }, {}, null, ''],
    ['null as the first declared missing value', { type: 'integer', missingValues: ['NA', ''] }, {}, null, 'NA'],
  ];
  for (const [title, spec, options, value, cell] of roundTrips) {
    it(`${title}: encode gives the canonical cell and decode gives the value back`, () => {
      const target = column(spec, options);
      assert.equal(target.encode(value), cell);
      assert.deepEqual(readCell(target, cell), { value });
    });
  }

  const wrongKinds: [string, ColumnSpec, CellValue][] = [
    ['a string for an integer', { type: 'integer' }, '12'],
    ['a fraction for an integer', { type: 'integer' }, 1.5],
    ['NaN for a number', { type: 'number' }, Number.NaN],
    ['a bigint for a number', { type: 'number' }, 5n],
    ['an invalid Date', { type: 'date' }, new Date(Number.NaN)],
    ['a number for a boolean', { type: 'boolean' }, 1],
    ['a Date for a string', { type: 'string' }, new Date(0)],
  ];
  for (const [title, spec, value] of wrongKinds) {
    it(`refuses ${title} (CSV_VALUE_INVALID, naming the column, not the value)`, () => {
      assert.throws(
        () => column(spec).encode(value),
        (error: unknown) => {
          assert.ok(isAppError(error, 'CSV_VALUE_INVALID'));
          assert.match(error.message, /^column "c": cannot write a \w+ as \w+$/);
          return true;
        },
      );
    });
  }
});

describe('long raw values', () => {
  it('are cut to 200 characters and … in messages', () => {
    const result = readCell(column({ type: 'integer' }), 'x'.repeat(250));
    assert.ok('code' in result);
    assert.equal(result.message, `"${'x'.repeat(200)}…" is not a whole number`);
  });
});
