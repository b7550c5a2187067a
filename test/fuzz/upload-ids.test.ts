import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { isStorableUploadId, resolveUploadPaths, uploadIdOfInfoFile } from '../../src/store/upload-paths.js';
import { isUploadId, UPLOADS_PATH, uploadIdFromPath, uploadUrl } from '../../src/uploads/upload-id.js';
import { anyText, hostile } from './arbitraries.js';
import { fuzzParameters, parses, parsesOrRefuses, testTimeout } from './fuzz-settings.js';

// Upload ids in URLs (src/uploads/upload-id.ts) and in file names (src/store/upload-paths.ts).
const DIRECTORY = path.resolve('/srv/ferry/data');
const uploadId = fc.stringMatching(/^[0-9a-f]{32}$/);
const storableId = fc.stringMatching(/^[A-Za-z0-9_-]{1,128}$/);
/** Path segments that walk, encode or hide: dot segments, encoded separators, NUL, unicode, case. */
const trickySegment = fc.constantFrom('..', '.', '%2e%2e', '%2E%2E', '%2f', '%2F', '%5c', '\\', '%00', '\0', '', '/', '//', '?x', '#x', ';x', '%20', 'ﬁ', 'İ');
const idLike = fc.oneof(
  uploadId,
  storableId,
  uploadId.map((id) => id.toUpperCase()),
  uploadId.map((id) => `${id}.json`),
);
const pathname = hostile(
  fc.oneof(
    uploadId.map((id) => `${UPLOADS_PATH}/${id}`),
    fc.array(fc.oneof(trickySegment, idLike, fc.constant('files')), { maxLength: 5 }).map((segments) => `/${segments.join('/')}`),
  ),
);

describe('upload ids under hostile input', () => {
  it('uploadIdFromPath finds an id only in <base>/<32 hex digits>', { timeout: testTimeout(1) }, () => {
    fc.assert(
      fc.property(pathname, fc.constantFrom(UPLOADS_PATH, '/base/files', ''), (value, base) => {
        const id = parses(() => uploadIdFromPath(value, base));
        if (id === undefined) return;
        assert.ok(isUploadId(id));
        assert.equal(`${base}/${id}`, value);
      }),
      fuzzParameters(),
    );
  });

  it('resolveUploadPaths names files inside the directory, or refuses with UPLOAD_NOT_FOUND', { timeout: testTimeout(1) }, () => {
    fc.assert(
      fc.property(hostile(fc.oneof(idLike, trickySegment, anyText)), (id) => {
        const outcome = parsesOrRefuses(() => resolveUploadPaths(DIRECTORY, id));
        if ('refused' in outcome) {
          assert.equal(outcome.refused, 'UPLOAD_NOT_FOUND');
          assert.equal(isStorableUploadId(id), false);
          return;
        }
        assert.equal(path.dirname(outcome.value.data), DIRECTORY);
        assert.equal(path.basename(outcome.value.data), id);
        assert.equal(outcome.value.info, `${outcome.value.data}.json`);
      }),
      fuzzParameters(),
    );
  });

  it('uploadIdOfInfoFile reads only <storable id>.json', { timeout: testTimeout(1) }, () => {
    fc.assert(
      fc.property(
        hostile(
          fc.oneof(
            storableId.map((id) => `${id}.json`),
            idLike,
            trickySegment,
          ),
        ),
        (fileName) => {
          const id = parses(() => uploadIdOfInfoFile(fileName));
          if (id !== undefined) assert.ok(isStorableUploadId(id) && `${id}.json` === fileName);
        },
      ),
      fuzzParameters(),
    );
  });

  it('isUploadId and isStorableUploadId take any value', { timeout: testTimeout(1) }, () => {
    fc.assert(
      fc.property(fc.anything(), (value) => {
        parses(() => isStorableUploadId(value));
        if (typeof value === 'string' || value === undefined) parses(() => isUploadId(value));
      }),
      fuzzParameters(),
    );
  });
});

describe('upload id round trips', () => {
  it('the id of uploadUrl(publicUrl, id) is id, under the public URL path too', { timeout: testTimeout(1) }, () => {
    fc.assert(
      fc.property(uploadId, fc.constantFrom('', '/base'), (id, basePath) => {
        const url = uploadUrl(`https://ferry.example${basePath}`, id);
        assert.equal(
          parses(() => uploadIdFromPath(new URL(url).pathname, basePath + UPLOADS_PATH)),
          id,
        );
        assert.equal(
          parses(() => uploadIdFromPath(uploadUrl('', id), UPLOADS_PATH)),
          id,
        );
      }),
      fuzzParameters(),
    );
  });

  it('a storable id names <id>.json, which names the id again', { timeout: testTimeout(1) }, () => {
    fc.assert(
      fc.property(storableId, (id) => {
        const { info } = parses(() => resolveUploadPaths(DIRECTORY, id));
        assert.equal(
          parses(() => uploadIdOfInfoFile(path.basename(info))),
          id,
        );
      }),
      fuzzParameters(),
    );
  });
});
