import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { encodeMetadata, formatUploadMetadata, parseUploadMetadata } from '../../src/uploads/metadata.js';
import { base64EdgeCase, base64Value, hostile } from './arbitraries.js';
import { fuzzParameters, parses, parsesOrRefuses, testTimeout } from './fuzz-settings.js';

// Upload-Metadata (tus creation; ferry's IETF extension): parse and format, byte-exact.
const KEY = /^[\x21-\x2b\x2d-\x7e]+$/;
const ARRAY_INDEX = /^(?:0|[1-9]\d{0,9})$/;
const CANONICAL_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** A key of the grammar (ASCII, no space or comma), with a few that name things in JavaScript. */
const metadataKey = fc.oneof(
  fc.stringMatching(/^[\x21-\x2b\x2d-\x7e]{1,12}$/),
  fc.constantFrom('filename', 'filetype', 'schema', 'mode', 'constructor', 'toString', 'hasOwnProperty', 'a'.repeat(200)),
);
/**
 * The round trips leave out what the todo tests below pin down as known findings, so they
 * are not rediscovered on every run: the key `__proto__`, keys that are array indices
 * (`0`, `42`: a plain object lists them first) and empty values.
 */
const roundTripKey = metadataKey.filter((key) => key !== '__proto__' && !ARRAY_INDEX.test(key));
const nonEmptyBase64 = fc.uint8Array({ minLength: 1, maxLength: 48 }).map((bytes) => Buffer.from(bytes).toString('base64'));

/** Valid encoded metadata: unique keys, each with a canonical Base64 value or none. A few pairs only (a key cap may land). */
const encodedMetadata = fc.uniqueArray(fc.tuple(roundTripKey, fc.option(nonEmptyBase64, { nil: null })), {
  minLength: 1,
  maxLength: 8,
  selector: ([key]) => key,
});

const validHeader = encodedMetadata.map((pairs) => pairs.map(([key, value]) => (value === null ? key : `${key} ${value}`)).join(','));
const nearValidHeader = fc.oneof(
  validHeader,
  fc.tuple(validHeader, metadataKey, base64EdgeCase).map(([header, key, value]) => `${header},${key} ${value}`),
  fc.tuple(metadataKey, base64Value).map(([key, value]) => `${key} ${value},${key} ${value}`),
  fc.constantFrom('', ',', ' ', 'k  YQ==', 'k YQ== x', ' k YQ==', 'k YQ==,', ',k YQ==', 'k\tYQ==', '__proto__', '__proto__ YQ==', 'k YQ==,__proto__'),
);

describe('Upload-Metadata under hostile input', () => {
  it('is parsed or refused with UPLOAD_METADATA_INVALID, within the time budget', { timeout: testTimeout(1) }, () => {
    fc.assert(
      fc.property(hostile(nearValidHeader), (header) => {
        const outcome = parsesOrRefuses(() => parseUploadMetadata(header));
        if ('refused' in outcome) assert.equal(outcome.refused, 'UPLOAD_METADATA_INVALID');
      }),
      fuzzParameters(),
    );
  });

  it('accepts only keys of the grammar, each once, with canonical Base64 values', { timeout: testTimeout(1) }, () => {
    fc.assert(
      fc.property(hostile(nearValidHeader), (header) => {
        const outcome = parsesOrRefuses(() => parseUploadMetadata(header));
        if (!('value' in outcome)) return;
        const { encoded, decoded } = outcome.value;
        for (const [key, value] of Object.entries(encoded)) {
          assert.match(key, KEY);
          if (value !== null) assert.match(value, CANONICAL_BASE64);
          assert.equal(decoded[key], value === null ? null : Buffer.from(value, 'base64').toString('utf8'));
        }
        assert.deepEqual(Object.keys(decoded), Object.keys(encoded));
      }),
      fuzzParameters(),
    );
  });

  it('what it accepts, formatted, parses back to the same pairs (a normal form)', { timeout: testTimeout(1) }, () => {
    fc.assert(
      fc.property(hostile(nearValidHeader), (header) => {
        const outcome = parsesOrRefuses(() => parseUploadMetadata(header));
        if (!('value' in outcome)) return;
        // The known findings (todo tests below) aside.
        if (header.includes('__proto__')) return;
        const formatted = formatUploadMetadata(outcome.value.encoded);
        assert.deepEqual(parses(() => parseUploadMetadata(formatted)).encoded, outcome.value.encoded);
      }),
      fuzzParameters(),
    );
  });
});

describe('Upload-Metadata round trips', () => {
  it('format(parse(header)) is the header, byte for byte', { timeout: testTimeout(1) }, () => {
    fc.assert(
      fc.property(validHeader, (header) => {
        assert.equal(formatUploadMetadata(parses(() => parseUploadMetadata(header)).encoded), header);
      }),
      fuzzParameters(),
    );
  });

  it('parse(format(pairs)) gives the pairs back, in order', { timeout: testTimeout(1) }, () => {
    fc.assert(
      fc.property(encodedMetadata, (pairs) => {
        const encoded = Object.fromEntries(pairs);
        const parsed = parses(() => parseUploadMetadata(formatUploadMetadata(encoded)));
        assert.deepEqual(Object.entries(parsed.encoded), pairs);
      }),
      fuzzParameters(),
    );
  });

  it('text values survive encodeMetadata, format and parse (unicode included)', { timeout: testTimeout(1) }, () => {
    const textPairs = fc.uniqueArray(fc.tuple(roundTripKey, fc.option(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 30 }), { nil: null })), {
      minLength: 1,
      maxLength: 8,
      selector: ([key]) => key,
    });
    fc.assert(
      fc.property(textPairs, (pairs) => {
        const decoded = Object.fromEntries(pairs);
        assert.deepEqual(parses(() => parseUploadMetadata(formatUploadMetadata(encodeMetadata(decoded)))).decoded, decoded);
      }),
      fuzzParameters(),
    );
  });

  // Finding: pairs are kept in a plain object, which lists array-index keys first, so HEAD
  // returns `1 Yg==,b YQ==` for `b YQ==,1 Yg==`: the pairs, not the order, are kept.
  it('keeps the pairs in the order they came, array-index keys too', { todo: 'plain objects order array-index keys first' }, () => {
    assert.equal(formatUploadMetadata(parseUploadMetadata('b YQ==,1 Yg==').encoded), 'b YQ==,1 Yg==');
  });

  // Found by fuzzing (fixed with issue 16's pair rules): an empty text value was formatted as
  // `key ` and read back as a key without a value.
  it('an empty text value survives encodeMetadata, format and parse', () => {
    assert.deepEqual(parseUploadMetadata(formatUploadMetadata(encodeMetadata({ name: '' }))).decoded, { name: '' });
  });

  // Found by fuzzing (fixed with issue 16): a key named __proto__ was dropped by a plain-object record.
  it('keeps a key named __proto__ like any other key', () => {
    assert.equal(formatUploadMetadata(parseUploadMetadata('a YQ==,__proto__ Yg==').encoded), 'a YQ==,__proto__ Yg==');
    assert.throws(() => parseUploadMetadata('__proto__,__proto__'), { code: 'UPLOAD_METADATA_INVALID' });
  });
});
