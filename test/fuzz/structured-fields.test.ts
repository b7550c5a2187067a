import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  hasPartialUploadType,
  indicatedLength,
  readContentLength,
  readUploadComplete,
  readUploadLength,
  readUploadOffset,
} from '../../src/protocols/ietf/ietf-headers.js';
import { ietfDialect } from '../../src/protocols/ietf/interop-versions.js';
import { parseBooleanItem, parseIntegerItem, serializeBoolean, serializeIntegerDictionary } from '../../src/protocols/ietf/structured-fields.js';
import { asHeaderValue, hostile, integerDigits } from './arbitraries.js';
import { fuzzParameters, parses, parsesOrRefuses, testTimeout } from './fuzz-settings.js';

// The IETF draft's Structured Fields (RFC 9651) and the headers built on them.
const MAX_SF_INTEGER = 999_999_999_999_999;

const spaces = fc.stringMatching(/^ {0,3}$/);
const parameterKey = fc.stringMatching(/^[a-z*][a-z0-9_.*-]{0,6}$/);
/** A parameter as RFC 9651 writes it: `;key`, or `;key=` an Integer, Decimal, String, Token, Boolean or Byte Sequence. */
const parameter = fc
  .tuple(
    spaces,
    parameterKey,
    fc.option(
      fc.oneof(
        fc.integer({ min: -MAX_SF_INTEGER, max: MAX_SF_INTEGER }).map(String),
        fc.tuple(fc.integer({ min: -999_999, max: 999_999 }), fc.integer({ min: 0, max: 999 })).map(([whole, fraction]) => `${whole}.${fraction}`),
        fc.stringMatching(/^"(?:[\x20\x21\x23-\x5b\x5d-\x7e]|\\["\\]){0,8}"$/),
        fc.stringMatching(/^[A-Za-z*][!#$%&'*+.^_`|~0-9A-Za-z:/-]{0,8}$/),
        fc.constantFrom('?0', '?1'),
        fc.uint8Array({ maxLength: 9 }).map((bytes) => `:${Buffer.from(bytes).toString('base64')}:`),
      ),
      { nil: undefined },
    ),
  )
  .map(([space, key, value]) => `;${space}${key}${value === undefined ? '' : `=${value}`}`);
const parameters = fc.array(parameter, { maxLength: 3 }).map((list) => list.join(''));

const sfInteger = fc.integer({ min: 0, max: MAX_SF_INTEGER });
/** A valid Integer Item: spaces around, parameters after. */
const integerItem = fc.tuple(spaces, sfInteger, parameters, spaces).map(([before, value, params, after]) => `${before}${value}${params}${after}`);
const booleanItem = fc
  .tuple(spaces, fc.boolean(), parameters, spaces)
  .map(([before, value, params, after]) => `${before}${serializeBoolean(value)}${params}${after}`);
const anyItem = hostile(fc.oneof(integerItem, booleanItem, integerDigits, fc.constantFrom('-1', '?', '?2', '6', '8', ' 8 ', '8;v=1', '08')));

/** The IETF request headers, each with a near-valid value, or absent. */
const ietfHeaders = fc
  .record(
    {
      'upload-complete': anyItem,
      'upload-offset': anyItem,
      'upload-length': anyItem,
      'content-length': hostile(integerDigits),
      'content-type': hostile(fc.constantFrom('application/partial-upload', 'Application/Partial-Upload; charset=x', 'application/offset+octet-stream')),
    },
    { requiredKeys: [] },
  )
  .map((fields) => new Headers(Object.entries(fields).map(([name, value]): [string, string] => [name, asHeaderValue(value)])));

describe('Structured Field items under hostile input', () => {
  it('an Integer Item is a non-negative integer of at most 15 digits, or ignored; never a throw', { timeout: testTimeout(1) }, () => {
    fc.assert(
      fc.property(anyItem, (value) => {
        const parsed = parses(() => parseIntegerItem(value));
        if (parsed !== undefined) assert.ok(Number.isSafeInteger(parsed) && parsed >= 0 && parsed <= MAX_SF_INTEGER, String(parsed));
      }),
      fuzzParameters(),
    );
  });

  it('a Boolean Item is true, false or ignored; never a throw', { timeout: testTimeout(1) }, () => {
    fc.assert(
      fc.property(anyItem, (value) => {
        const parsed = parses(() => parseBooleanItem(value));
        assert.ok(parsed === undefined || typeof parsed === 'boolean');
      }),
      fuzzParameters(),
    );
  });

  it('Upload-Draft-Interop-Version: 6 or 8, else UPLOAD_INTEROP_VERSION_UNSUPPORTED', { timeout: testTimeout(1) }, () => {
    fc.assert(
      fc.property(anyItem, (value) => {
        const outcome = parsesOrRefuses(() => ietfDialect(value));
        if ('refused' in outcome) assert.equal(outcome.refused, 'UPLOAD_INTEROP_VERSION_UNSUPPORTED');
        else assert.equal(outcome.value.version, parseIntegerItem(value));
      }),
      fuzzParameters(),
    );
  });

  it('the IETF request headers are read or refused with an AppError', { timeout: testTimeout(1) }, () => {
    fc.assert(
      fc.property(ietfHeaders, fc.nat({ max: MAX_SF_INTEGER }), (headers, offset) => {
        parsesOrRefuses(() => readUploadComplete(headers));
        parsesOrRefuses(() => readUploadOffset(headers));
        const length = parses(() => readUploadLength(headers));
        if (length !== undefined) assert.ok(length >= 0);
        const contentLength = parses(() => readContentLength(headers));
        if (contentLength !== undefined) assert.ok(Number.isSafeInteger(contentLength) && contentLength >= 0);
        parses(() => hasPartialUploadType(headers));
        for (const complete of [true, false]) {
          const outcome = parsesOrRefuses(() => indicatedLength(offset, complete, headers));
          if ('refused' in outcome) assert.equal(outcome.refused, 'UPLOAD_LENGTH_INVALID');
        }
      }),
      fuzzParameters(),
    );
  });
});

describe('Structured Field round trips', () => {
  it('an Integer Item, with spaces and parameters, parses to its value', { timeout: testTimeout(1) }, () => {
    fc.assert(
      fc.property(spaces, sfInteger, parameters, spaces, (before, value, params, after) => {
        assert.equal(
          parses(() => parseIntegerItem(`${before}${value}${params}${after}`)),
          value,
        );
      }),
      fuzzParameters(),
    );
  });

  it('parseBooleanItem(serializeBoolean(b)) is b, with spaces and parameters', { timeout: testTimeout(1) }, () => {
    fc.assert(
      fc.property(spaces, fc.boolean(), parameters, spaces, (before, value, params, after) => {
        assert.equal(
          parses(() => parseBooleanItem(`${before}${serializeBoolean(value)}${params}${after}`)),
          value,
        );
      }),
      fuzzParameters(),
    );
  });

  it('serializeIntegerDictionary writes a Dictionary that reads back member by member', { timeout: testTimeout(1) }, () => {
    const members = fc.uniqueArray(fc.tuple(fc.stringMatching(/^[a-z*][a-z0-9_.*-]{0,10}$/), fc.integer({ min: 0, max: MAX_SF_INTEGER })), {
      minLength: 1,
      maxLength: 5,
      selector: ([key]) => key,
    });
    fc.assert(
      fc.property(members, (list) => {
        const serialized = serializeIntegerDictionary(list);
        // RFC 9651 4.2.2: members separated by a comma and optional spaces; each key=Integer Item.
        const read = serialized.split(/ *, */).map((member) => {
          const [key, value] = member.split('=');
          return [key, parseIntegerItem(value)] as const;
        });
        assert.deepEqual(read, list);
      }),
      fuzzParameters(),
    );
  });
});
