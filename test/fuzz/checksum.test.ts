import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { CHECKSUM_ALGORITHM_NAMES, checksumAlgorithm } from '../../src/uploads/checksum-algorithms.js';
import { parseUploadChecksum, readChecksumRequest } from '../../src/uploads/checksum-request.js';
import { asHeaderValue, base64EdgeCase, hostile, integerDigits } from './arbitraries.js';
import { fuzzParameters, parses, parsesOrRefuses, testTimeout } from './fuzz-settings.js';

// Upload-Checksum (checksum extension) and `Trailer: Upload-Checksum` (checksum-trailer).
const CHECKSUM_CODES = ['UPLOAD_CHECKSUM_INVALID', 'UPLOAD_CHECKSUM_ALGORITHM_UNSUPPORTED'];

const algorithm = fc.constantFrom(...CHECKSUM_ALGORITHM_NAMES);
/** An algorithm ferry knows and a digest of its length. */
const checksum = algorithm.chain((name) =>
  fc
    .uint8Array({ minLength: checksumAlgorithm(name)!.byteLength, maxLength: checksumAlgorithm(name)!.byteLength })
    .map((bytes) => ({ name, digest: Buffer.from(bytes) })),
);
const validHeader = checksum.map(({ name, digest }) => `${name} ${digest.toString('base64')}`);
const nearValidHeader = fc.oneof(
  validHeader,
  fc.tuple(fc.oneof(algorithm, fc.constantFrom('SHA1', 'sha512', 'crc', '', 'sha1 sha1')), base64EdgeCase).map(([name, value]) => `${name} ${value}`),
);
const trailerList = hostile(fc.constantFrom('Upload-Checksum', 'upload-checksum', 'Expires, Upload-Checksum', ' UPLOAD-CHECKSUM ,', 'Upload-Checksums'));

describe('Upload-Checksum under hostile input', () => {
  it('is parsed or refused with a checksum error; what is accepted names a known algorithm and a digest of its length', { timeout: testTimeout(1) }, () => {
    fc.assert(
      fc.property(hostile(nearValidHeader), (header) => {
        const outcome = parsesOrRefuses(() => parseUploadChecksum(header));
        if ('refused' in outcome) {
          assert.ok(CHECKSUM_CODES.includes(outcome.refused), outcome.refused);
          return;
        }
        const known = checksumAlgorithm(outcome.value.algorithm);
        assert.ok(known !== undefined);
        assert.equal(outcome.value.digest.byteLength, known.byteLength);
      }),
      fuzzParameters(),
    );
  });

  it('a request with Upload-Checksum, Trailer and Content-Length is read or refused with a checksum error', { timeout: testTimeout(1) }, () => {
    const fields = fc.record(
      { 'upload-checksum': hostile(nearValidHeader), trailer: trailerList, 'content-length': hostile(integerDigits) },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(fields, (values) => {
        const headers = new Headers(Object.entries(values).map(([name, value]): [string, string] => [name, asHeaderValue(value)]));
        const outcome = parsesOrRefuses(() => readChecksumRequest(headers));
        if ('refused' in outcome) assert.ok(CHECKSUM_CODES.includes(outcome.refused), outcome.refused);
        else if (outcome.value?.trailer) assert.equal(headers.get('content-length'), null);
      }),
      fuzzParameters(),
    );
  });
});

describe('Upload-Checksum round trip', () => {
  it('"<algorithm> <Base64 digest>" parses to the algorithm and the digest, and writes back the same', { timeout: testTimeout(1) }, () => {
    fc.assert(
      fc.property(checksum, fc.stringMatching(/^ {0,2}$/), ({ name, digest }, padding) => {
        const header = `${name} ${digest.toString('base64')}`;
        const parsed = parses(() => parseUploadChecksum(`${padding}${header}${padding}`));
        assert.equal(parsed.algorithm, name);
        assert.deepEqual(parsed.digest, digest);
        assert.equal(`${parsed.algorithm} ${parsed.digest.toString('base64')}`, header);
      }),
      fuzzParameters(),
    );
  });
});
