import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { parseByteRange } from '../../src/http/routes/byte-range.js';
import { hostile, integerDigits } from './arbitraries.js';
import { fuzzParameters, parses, testTimeout } from './fuzz-settings.js';

// Range of a download (RFC 9110 14.2): one byte range, else the whole file or 416.
const size = fc.oneof(fc.nat({ max: 100 }), fc.maxSafeNat());
const position = fc.oneof(integerDigits, fc.constant(''));
const rangeHeader = fc.oneof(
  fc.tuple(position, position).map(([first, last]) => `bytes=${first}-${last}`),
  fc.constantFrom('bytes=0-0', 'bytes=-1', 'bytes=0-', 'bytes=0-1,2-3', 'bytes = 0-1', 'Bytes=0-1', 'items=0-1', 'bytes=-', 'bytes=1-0', 'bytes=--1'),
);

describe('Range under hostile input', () => {
  it('gives nothing (whole file), unsatisfiable, or a range inside the file; never a throw', { timeout: testTimeout(1) }, () => {
    fc.assert(
      fc.property(fc.option(hostile(rangeHeader), { nil: undefined }), size, (header, fileSize) => {
        const range = parses(() => parseByteRange(header, fileSize));
        if (range === undefined || range === 'unsatisfiable') return;
        assert.ok(Number.isSafeInteger(range.start) && Number.isSafeInteger(range.end), JSON.stringify(range));
        assert.ok(range.start >= 0 && range.start <= range.end && range.end <= fileSize - 1, JSON.stringify(range));
      }),
      fuzzParameters(),
    );
  });
});

describe('Range round trips', () => {
  const inside = fc
    .integer({ min: 1, max: Number.MAX_SAFE_INTEGER })
    .chain((fileSize) => fc.tuple(fc.constant(fileSize), fc.integer({ min: 0, max: fileSize - 1 }), fc.integer({ min: 0, max: fileSize - 1 })));

  it('bytes=<start>-<end> of a range inside the file gives that range', { timeout: testTimeout(1) }, () => {
    fc.assert(
      fc.property(inside, fc.stringMatching(/^[ \t]{0,2}$/), ([fileSize, a, b], space) => {
        const [start, end] = a <= b ? [a, b] : [b, a];
        assert.deepEqual(
          parses(() => parseByteRange(`${space}bytes=${start}-${end}${space}`, fileSize)),
          { start, end },
        );
      }),
      fuzzParameters(),
    );
  });

  it('bytes=<start>- and bytes=-<suffix> give the end of the file', { timeout: testTimeout(1) }, () => {
    fc.assert(
      fc.property(inside, ([fileSize, start, suffix]) => {
        assert.deepEqual(
          parses(() => parseByteRange(`bytes=${start}-`, fileSize)),
          { start, end: fileSize - 1 },
        );
        assert.deepEqual(
          parses(() => parseByteRange(`bytes=-${suffix + 1}`, fileSize)),
          { start: fileSize - suffix - 1, end: fileSize - 1 },
        );
      }),
      fuzzParameters(),
    );
  });
});
