import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { readUploadConcat } from '../../src/protocols/tus/concat.js';
import { isUploadId, UPLOADS_PATH } from '../../src/uploads/upload-id.js';
import { anyText, asHeaderValue, hostile } from './arbitraries.js';
import { fuzzParameters, parses, parsesOrRefuses, testTimeout } from './fuzz-settings.js';

// Upload-Concat of a tus creation (concatenation extension): `partial`, or `final;` and the partial uploads' URLs.
const PUBLIC_URLS = ['', 'https://ferry.example', 'https://ferry.example/base/', 'http://[::1]:8080/a/b'];
const uploadId = fc.stringMatching(/^[0-9a-f]{32}$/);
const host = fc.constantFrom('localhost:1080', 'ferry.example', 'FERRY.example:443', '[::1]:8080', '127.0.0.1', 'a b', '', '@evil', 'x:99999');

/** A URL of a partial upload as a client may write it: relative, absolute on this host or the public URL, or elsewhere. */
const partUrl = fc
  .tuple(uploadId, host, fc.constantFrom(...PUBLIC_URLS))
  .chain(([id, hostValue, publicUrl]) =>
    fc.constantFrom(
      `${UPLOADS_PATH}/${id}`,
      `http://${hostValue}${UPLOADS_PATH}/${id}`,
      `${publicUrl.replace(/\/$/, '')}${UPLOADS_PATH}/${id}`,
      `https://user:pw@${hostValue}${UPLOADS_PATH}/${id}`,
      `//${hostValue}${UPLOADS_PATH}/${id}`,
      `${UPLOADS_PATH}/../${UPLOADS_PATH}/${id}`,
      `ftp://${hostValue}${UPLOADS_PATH}/${id}`,
      `http://${hostValue}${UPLOADS_PATH}/${id}?x#y`,
      id,
    ),
  );
const concatHeader = hostile(
  fc.oneof(
    fc.constantFrom('partial', 'final;', 'final', 'Partial', 'final; ', 'final;;'),
    fc.array(fc.oneof(partUrl, anyText), { minLength: 1, maxLength: 4 }).map((urls) => `final;${urls.join(' ')}`),
  ),
);

describe('Upload-Concat under hostile input', () => {
  it('is partial, a final naming valid upload ids, or UPLOAD_CONCAT_INVALID', { timeout: testTimeout(1) }, () => {
    fc.assert(
      fc.property(concatHeader, fc.option(host, { nil: undefined }), fc.constantFrom(...PUBLIC_URLS), (value, hostValue, publicUrl) => {
        const headers = new Headers({ 'Upload-Concat': asHeaderValue(value) });
        if (hostValue !== undefined) headers.set('Host', hostValue);
        const outcome = parsesOrRefuses(() => readUploadConcat(headers, publicUrl));
        if ('refused' in outcome) {
          assert.equal(outcome.refused, 'UPLOAD_CONCAT_INVALID');
          return;
        }
        const concat = outcome.value;
        assert.ok(concat !== undefined);
        if (concat.kind === 'final') {
          assert.ok(concat.partIds.length > 0);
          for (const id of concat.partIds) assert.ok(isUploadId(id), id);
          assert.equal(concat.header, headers.get('upload-concat'));
        }
      }),
      fuzzParameters(),
    );
  });
});

describe('Upload-Concat round trip', () => {
  /** How a client names a partial upload that is on this server, given the public URL and the Host it reached. */
  const ownUrl = (id: string, publicUrl: string, hostValue: string) =>
    fc.constantFrom(
      `${UPLOADS_PATH}/${id}`,
      publicUrl === '' ? `http://${hostValue}${UPLOADS_PATH}/${id}` : `${publicUrl.replace(/\/$/, '')}${UPLOADS_PATH}/${id}`,
    );

  it('final; and the URLs of partial uploads on this server, spaced any way, gives their ids in order and keeps the header', {
    timeout: testTimeout(1),
  }, () => {
    const request = fc
      .tuple(
        fc.array(uploadId, { minLength: 1, maxLength: 5 }),
        fc.constantFrom(...PUBLIC_URLS),
        fc.constantFrom('localhost:1080', 'ferry.example', '[::1]:8080'),
      )
      .chain(([ids, publicUrl, hostValue]) =>
        fc.record({
          ids: fc.constant(ids),
          publicUrl: fc.constant(publicUrl),
          host: fc.constant(hostValue),
          urls: fc.tuple(...ids.map((id) => ownUrl(id, publicUrl, hostValue))),
          separators: fc.array(fc.stringMatching(/^ {1,3}$/), { minLength: ids.length, maxLength: ids.length }),
        }),
      );
    fc.assert(
      fc.property(request, ({ ids, publicUrl, host: hostValue, urls, separators }) => {
        const header = `final;${urls.map((url, index) => `${index === 0 ? separators[index].slice(1) : separators[index]}${url}`).join('')}`;
        const concat = parses(() => readUploadConcat(new Headers({ 'Upload-Concat': header, Host: hostValue }), publicUrl));
        assert.deepEqual(concat, { kind: 'final', partIds: ids, header });
      }),
      fuzzParameters(),
    );
  });

  it('partial is partial', () => {
    assert.deepEqual(readUploadConcat(new Headers({ 'Upload-Concat': 'partial' }), ''), { kind: 'partial' });
  });
});
