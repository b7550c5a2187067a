import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Utf8Validator } from '../../src/csv/read/utf8-validator.js';

/** All invalid offsets, the bytes fed in chunks of the given sizes (cycled). */
function check(bytes: Uint8Array, sizes: number[] = [bytes.length || 1]): number[] {
  const validator = new Utf8Validator();
  const offsets: number[] = [];
  for (let at = 0, index = 0; at < bytes.length; index += 1) {
    const size = sizes[index % sizes.length];
    offsets.push(...validator.check(bytes.subarray(at, at + size)));
    at += size;
  }
  return [...offsets, ...validator.end()];
}

const cases: [title: string, bytes: number[], offsets: number[]][] = [
  ['ASCII and valid sequences of 2, 3 and 4 bytes', [0x61, 0xc3, 0xa9, 0xe2, 0x82, 0xac, 0xf0, 0x9d, 0x84, 0x9e], []],
  ['0xC3 then an ASCII byte', [0xc3, 0x28], [0]],
  ['a lone 0xFF', [0x61, 0xff, 0x62], [1]],
  ['a stray continuation byte', [0x80, 0x61], [0]],
  ['an overlong 2-byte form (C0 AF)', [0xc0, 0xaf], [0, 1]],
  ['an overlong 3-byte form (E0 80 80)', [0xe0, 0x80, 0x80], [0, 1, 2]],
  ['a surrogate (ED A0 80)', [0xed, 0xa0, 0x80], [0, 1, 2]],
  ['beyond U+10FFFF (F4 90 80 80)', [0xf4, 0x90, 0x80, 0x80], [0, 1, 2, 3]],
  ['a sequence cut short by another lead byte', [0xe2, 0x82, 0xc3, 0xa9], [0]],
  ['a sequence cut short by the end of input', [0x61, 0xf0, 0x9f, 0x98], [1]],
];

describe('Utf8Validator', () => {
  for (const [title, bytes, offsets] of cases) {
    test(title, () => {
      const input = Uint8Array.from(bytes);
      assert.deepEqual(check(input), offsets, 'whole');
      assert.deepEqual(check(input, [1]), offsets, 'one byte at a time');
    });
  }

  test('offsets are absolute from the start offset', () => {
    const validator = new Utf8Validator(3);
    assert.deepEqual(validator.check(Uint8Array.from([0x61, 0xe2])), []);
    assert.deepEqual(validator.check(Uint8Array.from([0x82, 0x61, 0xff])), [4, 7]);
  });

  test('agrees with TextDecoder on random bytes, however they are chunked', () => {
    let seed = 42;
    const random = (): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const pieces = [[0x61], [0x0a], [0xc3, 0xa9], [0xe2, 0x82, 0xac], [0xf0, 0x9f, 0x98, 0x80], [0xed, 0x9f, 0xbf]];
    for (let round = 0; round < 200; round += 1) {
      const bytes: number[] = [];
      while (bytes.length < 2000) {
        if (random() < 0.9) bytes.push(...pieces[Math.floor(random() * pieces.length)]);
        else bytes.push(Math.floor(random() * 256));
      }
      const input = Uint8Array.from(bytes);
      const text = new TextDecoder().decode(input);
      const replacements = [...text].filter((character) => character === '\uFFFD').length;
      const whole = check(input);
      assert.equal(whole.length, replacements, `round ${round}`);
      assert.deepEqual(check(input, [1 + Math.floor(random() * 7), 64, 3]), whole, `round ${round}, chunked`);
    }
  });
});
