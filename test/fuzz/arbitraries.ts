import fc from 'fast-check';

/**
 * Input generators for the hostile-input properties. Random strings alone rarely get past
 * a parser's first check, so most inputs here are near-valid: a valid value of the grammar
 * with a few mutations (a character inserted, removed or repeated; spaces, commas,
 * semicolons, quotes; huge numbers; unicode, lone surrogates, control characters; very
 * long runs).
 */

/** Pieces a mutation inserts: grammar characters, whitespace of all kinds, numbers out of range, unicode. */
const PIECES = [
  ' ',
  '  ',
  ',',
  ', ',
  ';',
  '=',
  '==',
  '"',
  '\\',
  ':',
  '?',
  '?1',
  '-',
  '-1',
  '+',
  '/',
  '%',
  '%00',
  '%2e%2e',
  '..',
  '*',
  '\t',
  '\0',
  '\r\n',
  '\x7f',
  '\u00a0',
  '\ufeff',
  '\u2028',
  'é',
  '😀',
  '\ud800',
  '0',
  '0000',
  '9'.repeat(16),
  '9'.repeat(400),
  '1e3',
  '0x10',
  'Infinity',
  'NaN',
  '__proto__',
];

/** Any text, short: full unicode, ASCII, or only the characters parsers split on. */
export const anyText: fc.Arbitrary<string> = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: 'binary-ascii', maxLength: 40 }),
  fc.string({ unit: fc.constantFrom(...PIECES), maxLength: 12 }),
);

/** A very long value: one piece repeated, up to about 100,000 characters (a header limit is not a parser's job). */
export const longText: fc.Arbitrary<string> = fc
  .tuple(fc.constantFrom('a', ' ', ',', '=', ';', 'A', '0', '9', '/', 'YQ==', 'k v,', ';a=1', 'é'), fc.integer({ min: 1_000, max: 100_000 }))
  .map(([piece, length]) => piece.repeat(Math.ceil(length / piece.length)).slice(0, length));

type Mutation =
  | { kind: 'insert'; at: number; piece: string }
  | { kind: 'delete'; at: number; length: number }
  | { kind: 'repeat'; at: number; length: number; times: number };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), piece: fc.oneof(fc.constantFrom(...PIECES), fc.string({ unit: 'binary', maxLength: 3 })) }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 4 }) }),
  fc.record({ kind: fc.constant('repeat' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 6 }), times: fc.integer({ min: 2, max: 300 }) }),
);

function mutate(text: string, change: Mutation): string {
  const at = text.length === 0 ? 0 : change.at % (text.length + 1);
  if (change.kind === 'insert') return text.slice(0, at) + change.piece + text.slice(at);
  if (change.kind === 'delete') return text.slice(0, at) + text.slice(at + change.length);
  return text.slice(0, at) + text.slice(at, at + change.length).repeat(change.times) + text.slice(at + change.length);
}

/** `valid` with one to three mutations. */
export function mutated(valid: fc.Arbitrary<string>): fc.Arbitrary<string> {
  return fc.tuple(valid, fc.array(mutation, { minLength: 1, maxLength: 3 })).map(([text, changes]) => changes.reduce(mutate, text));
}

/** A header value to fuzz a parser with: valid, near-valid (mostly), random, or very long. */
export function hostile(valid: fc.Arbitrary<string>): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 2, arbitrary: valid },
    { weight: 5, arbitrary: mutated(valid) },
    { weight: 2, arbitrary: anyText },
    { weight: 1, arbitrary: longText },
  );
}

/**
 * What a header value looks like once it crossed HTTP into Node: bytes read as latin1
 * (so unicode arrives as its UTF-8 bytes), without NUL, CR or LF (which no request line can
 * carry). `Headers` also drops leading and trailing spaces and tabs.
 */
export function asHeaderValue(text: string): string {
  return Buffer.from(text, 'utf8')
    .toString('latin1')
    .replace(/[\0\r\n]/g, '');
}

/** A non-negative integer as digits: small, around powers of two and ten, the safe-integer edge, and beyond. */
export const integerDigits: fc.Arbitrary<string> = fc.oneof(
  fc.nat({ max: 1_000 }).map(String),
  fc.maxSafeNat().map(String),
  fc.constantFrom(
    '0',
    '1',
    '4294967295',
    '4294967296',
    '999999999999999',
    '1000000000000000',
    '9007199254740991',
    '9007199254740992',
    '9'.repeat(16),
    '9'.repeat(17),
  ),
  fc.bigInt({ min: 0n, max: 10n ** 40n }).map(String),
);

/** Base64 of random bytes, canonical (with its padding). */
export const base64Value: fc.Arbitrary<string> = fc.uint8Array({ maxLength: 48 }).map((bytes) => Buffer.from(bytes).toString('base64'));

/** Base64 edge cases: padding missing, doubled or misplaced; URL-safe alphabet; whitespace inside; non-canonical last characters. */
export const base64EdgeCase: fc.Arbitrary<string> = fc.oneof(
  base64Value.map((value) => value.replace(/=+$/, '')),
  base64Value.map((value) => `${value}=`),
  base64Value.map((value) => value.replace(/\+/g, '-').replace(/\//g, '_')),
  base64Value.map((value) => `=${value}`),
  base64Value.map((value) => value.slice(0, Math.max(0, value.length - 1))),
  fc.constantFrom('', '=', '==', '===', 'A', 'AA', 'AAA', 'AB==', 'AAB=', 'YR==', 'YWJ=', 'Y Q==', 'YQ==YQ==', '____', '----', '\u0661\u0662'),
);
