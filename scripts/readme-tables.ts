import { readFile, writeFile } from 'node:fs/promises';
import { SETTINGS } from '../src/config/settings.js';
import { ERROR_CATALOGUE } from '../src/errors/catalogue.js';

/**
 * The settings and error tables of docs/operations.md are generated from the one settings
 * table and the one error catalogue. `tsx scripts/readme-tables.ts` rewrites them in
 * place; the docs test fails when they are out of date.
 */
export const TABLES_DOCUMENT_PATH = new URL('../docs/operations.md', import.meta.url);

function escapeCell(text: string): string {
  return text.replaceAll('|', '\\|').replaceAll('<', '&lt;');
}

export function settingsTable(): string {
  const rows = Object.values(SETTINGS).map(
    (s) => `| \`${s.flag}\` | \`${s.env}\` | ${s.default === '' ? '(empty)' : `\`${s.default}\``} | ${escapeCell(s.doc)} |`,
  );
  return ['| flag | environment | default | meaning |', '|---|---|---|---|', ...rows].join('\n');
}

export function errorsTable(): string {
  const rows = Object.entries(ERROR_CATALOGUE).map(([code, entry]) => `| \`${code}\` | ${entry.status} | ${escapeCell(entry.message)} |`);
  return ['| code | status | meaning |', '|---|---|---|', ...rows].join('\n');
}

/** Replaces the text between `<!-- name:start -->` and `<!-- name:end -->`. */
export function replaceBlock(document: string, name: string, content: string): string {
  const start = `<!-- ${name}:start -->`;
  const end = `<!-- ${name}:end -->`;
  const from = document.indexOf(start);
  const to = document.indexOf(end);
  if (from < 0 || to < from) throw new Error(`the document has no ${start} … ${end} block`);
  return `${document.slice(0, from + start.length)}\n${content}\n${document.slice(to)}`;
}

export function renderTables(document: string): string {
  return replaceBlock(replaceBlock(document, 'settings', settingsTable()), 'errors', errorsTable());
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const document = await readFile(TABLES_DOCUMENT_PATH, 'utf8');
  await writeFile(TABLES_DOCUMENT_PATH, renderTables(document));
}
