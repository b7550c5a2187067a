import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { checkTusResumable, hasOffsetOctetStream, parseContentLength, parseUploadInteger } from '../../src/protocols/tus/tus-headers.js';
import { asHeaderValue, hostile, integerDigits } from './arbitraries.js';
import { fuzzParameters, parses, parsesOrRefuses, testTimeout } from './fuzz-settings.js';

// tus integer headers (Upload-Length, Upload-Offset, Content-Length), Tus-Resumable, Content-Type.
const integerValue = hostile(integerDigits);

describe('tus integer headers under hostile input', () => {
  it('Upload-Length and Upload-Offset: a safe integer written as 0 or without leading zeros, or undefined; never a throw', { timeout: testTimeout(1) }, () => {
    fc.assert(
      fc.property(integerValue, (value) => {
        const parsed = parses(() => parseUploadInteger(value));
        if (parsed === undefined) {
          assert.ok(!/^(0|[1-9][0-9]*)$/.test(value) || !Number.isSafeInteger(Number(value)), value);
          return;
        }
        assert.ok(Number.isSafeInteger(parsed) && parsed >= 0, String(parsed));
        // The strict reading: the value is exactly the number's decimal digits.
        assert.equal(String(parsed), value);
      }),
      fuzzParameters(),
    );
  });

  it('Content-Length: HTTP digits, leading zeros allowed, or undefined; never a throw', { timeout: testTimeout(1) }, () => {
    fc.assert(
      fc.property(integerValue, (value) => {
        const parsed = parses(() => parseContentLength(value));
        if (parsed === undefined) return;
        assert.ok(Number.isSafeInteger(parsed) && parsed >= 0, String(parsed));
        assert.equal(value.replace(/^0+(?=\d)/, ''), String(parsed));
      }),
      fuzzParameters(),
    );
  });

  it('String(n) parses back to n for every safe integer n >= 0', { timeout: testTimeout(1) }, () => {
    fc.assert(
      fc.property(fc.oneof(fc.maxSafeNat(), fc.nat({ max: 1_000 })), (value) => {
        assert.equal(
          parses(() => parseUploadInteger(String(value))),
          value,
        );
      }),
      fuzzParameters(),
    );
  });

  it('Tus-Resumable other than 1.0.0 is TUS_VERSION_UNSUPPORTED, and Content-Type is only read', { timeout: testTimeout(1) }, () => {
    fc.assert(
      fc.property(
        hostile(fc.constantFrom('1.0.0', '0.2.2', '1.0', '1.0.0 ')),
        hostile(fc.constantFrom('application/offset+octet-stream', 'application/offset+octet-stream; x=1', 'APPLICATION/OFFSET+OCTET-STREAM')),
        (version, contentType) => {
          const headers = new Headers({ 'Tus-Resumable': asHeaderValue(version), 'Content-Type': asHeaderValue(contentType) });
          const outcome = parsesOrRefuses(() => checkTusResumable(headers));
          assert.equal('refused' in outcome ? outcome.refused : 'accepted', headers.get('tus-resumable') === '1.0.0' ? 'accepted' : 'TUS_VERSION_UNSUPPORTED');
          parses(() => hasOffsetOctetStream(headers));
        },
      ),
      fuzzParameters(),
    );
  });
});
