import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import { renderTables, TABLES_DOCUMENT_PATH } from '../../scripts/readme-tables.js';
import { SETTINGS } from '../../src/config/settings.js';
import { ERROR_CATALOGUE } from '../../src/errors/catalogue.js';

const REPO = path.resolve(import.meta.dirname, '../..');
const README = path.join(REPO, 'README.md');
/** The README stays a front door; the manual is in docs/. */
const README_MAX_LINES = 150;

async function markdownFiles(): Promise<string[]> {
  const docs = (await readdir(path.join(REPO, 'docs'))).filter((name) => name.endsWith('.md')).map((name) => path.join(REPO, 'docs', name));
  return [README, path.join(REPO, 'examples/README.md'), ...docs];
}

describe('docs/operations.md', () => {
  it('has the settings and error tables generated from the code (run: npx tsx scripts/readme-tables.ts)', async () => {
    const document = await readFile(TABLES_DOCUMENT_PATH, 'utf8');
    assert.equal(document, renderTables(document));
  });

  it('documents every error code and every setting', async () => {
    const document = await readFile(TABLES_DOCUMENT_PATH, 'utf8');
    for (const code of Object.keys(ERROR_CATALOGUE)) assert.ok(document.includes(`| \`${code}\` |`), code);
    for (const setting of Object.values(SETTINGS)) assert.ok(document.includes(`| \`${setting.flag}\` | \`${setting.env}\` |`), setting.env);
  });
});

describe('README', () => {
  it('shows the two commands a fresh clone needs', async () => {
    const document = await readFile(README, 'utf8');
    assert.match(document, /npm ci && npm start/);
    assert.match(document, /npm ci && npm test/);
  });

  it(`stays a front door of at most ${README_MAX_LINES} lines`, async () => {
    const lines = (await readFile(README, 'utf8')).trimEnd().split('\n').length;
    assert.ok(lines <= README_MAX_LINES, `${lines} lines`);
  });

  it('links every page of docs/', async () => {
    const document = await readFile(README, 'utf8');
    for (const name of await readdir(path.join(REPO, 'docs'))) assert.ok(document.includes(`(docs/${name}`), `docs/${name}`);
  });

  it('links only to files that exist, from README, examples/ and docs/', async () => {
    for (const file of await markdownFiles()) {
      const document = await readFile(file, 'utf8');
      for (const [, target] of document.matchAll(/\]\(([^)#\s]+)(?:#[^)]*)?\)/g)) {
        if (/^[a-z]+:/.test(target)) continue;
        assert.ok(existsSync(path.resolve(path.dirname(file), target)), `${path.relative(REPO, file)} links to ${target}`);
      }
    }
  });
});
