import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { describe, it } from 'node:test';
import { README_PATH, renderReadme } from '../../scripts/readme-tables.js';

describe('README', () => {
  it('has the settings and error tables generated from the code (run: npx tsx scripts/readme-tables.ts)', async () => {
    const document = await readFile(README_PATH, 'utf8');
    assert.equal(document, renderReadme(document));
  });

  it('shows the two commands a fresh clone needs', async () => {
    const document = await readFile(README_PATH, 'utf8');
    assert.match(document, /npm ci && npm start/);
    assert.match(document, /npm ci && npm test/);
  });
});
