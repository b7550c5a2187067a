import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import { runFerry } from '../support/ferry-process.js';
import { CLEAN_CSV, makeWorkspace, peopleSchema, type Workspace } from './cli-fixtures.js';

interface UsageCase {
  name: string;
  /** The arguments after `ferry import`, given the workspace's schema file and CSV file. */
  args: (files: { schema: string; csv: string; work: Workspace }) => string[];
  env?: Record<string, string>;
  stderr: RegExp;
}

const CASES: UsageCase[] = [
  { name: 'an unknown flag', args: ({ schema, csv }) => [csv, '--schema', schema, '--bogus'], stderr: /unknown flag --bogus/ },
  { name: 'a server flag', args: ({ schema, csv }) => [csv, '--schema', schema, '--port', '80'], stderr: /unknown flag --port/ },
  { name: 'no file argument', args: ({ schema }) => ['--schema', schema], stderr: /missing the CSV file to import/ },
  { name: 'two file arguments', args: ({ schema, csv }) => [csv, csv, '--schema', schema], stderr: /one file at a time/ },
  { name: 'no --schema', args: ({ csv }) => [csv], stderr: /missing --schema/ },
  { name: '--schema without a value', args: ({ csv }) => [csv, '--schema'], stderr: /--schema needs a value/ },
  {
    name: 'an unknown schema name',
    args: ({ csv, work }) => [csv, '--schema', 'nope', '--schemas-dir', path.join(work.dir, 'schemas')],
    stderr: /unknown schema "nope" in .*schemas \(known: people;/,
  },
  {
    name: 'an unknown schema name (schemas dir from the environment)',
    args: ({ csv }) => [csv, '--schema', 'nope'],
    env: { FERRY_SCHEMAS_DIR: '/nonexistent' },
    stderr: /unknown schema "nope" in \/nonexistent \(it has no schemas;/,
  },
  {
    name: 'a bad schema file',
    args: ({ csv, work }) => [csv, '--schema', path.join(work.dir, 'bad-schema.json')],
    stderr: /invalid schema: .*bad-schema\.json: bogus: unknown key \(and 1 more; see ferry schema check\)/,
  },
  {
    name: 'a schema file that is not JSON',
    args: ({ csv, work }) => [csv, '--schema', path.join(work.dir, 'broken.json')],
    stderr: /invalid schema: .*broken\.json: is not valid JSON/,
  },
  {
    name: 'a missing schema file',
    args: ({ csv }) => [csv, '--schema', './missing.json'],
    stderr: /invalid schema: \.\/missing\.json: cannot be read \(ENOENT\)/,
  },
  {
    name: 'a missing CSV file',
    args: ({ schema, work }) => [path.join(work.dir, 'missing.csv'), '--schema', schema],
    stderr: /cannot read .*missing\.csv: no such file/,
  },
  { name: 'a directory as the CSV file', args: ({ schema, work }) => [work.dir, '--schema', schema], stderr: /cannot read .*: not a regular file/ },
  {
    name: 'a bad --mode',
    args: ({ schema, csv }) => [csv, '--schema', schema, '--mode', 'sometimes'],
    stderr: /--mode: "sometimes" is not one of all-or-nothing, skip-bad-rows, validate/,
  },
  {
    name: 'a bad --max-errors',
    args: ({ schema, csv }) => [csv, '--schema', schema, '--max-errors', 'many'],
    stderr: /--max-errors: "many" is not a whole number/,
  },
  {
    name: 'a --database-url that is not PostgreSQL',
    args: ({ schema, csv }) => [csv, '--schema', schema, '--database-url', 'mysql://root:secret@db/x'],
    stderr: /--database-url \/ FERRY_DATABASE_URL \(from --database-url\): must be a postgres:\/\/ URL/,
  },
  {
    name: 'every problem at once',
    args: () => ['--mode', 'x', '--max-errors', '0'],
    stderr: /missing the CSV file.*; missing --schema.*; --mode: .*; --max-errors: /,
  },
];

describe('ferry import usage and config errors', () => {
  let files: { schema: string; csv: string; work: Workspace };

  before(async () => {
    const work = await makeWorkspace();
    await mkdir(path.join(work.dir, 'schemas'));
    await work.write('schemas/people.json', peopleSchema());
    await work.write('bad-schema.json', { name: 'bad', columns: [{ name: 'a', type: 'text' }], bogus: true });
    await work.write('broken.json', '{ "name": ');
    files = { schema: await work.write('people.json', peopleSchema()), csv: await work.write('people.csv', CLEAN_CSV), work };
  });

  for (const usageCase of CASES) {
    it(`exits 2 with one line on stderr for ${usageCase.name}`, async () => {
      const { code, stdout, stderr } = await runFerry(['import', ...usageCase.args(files), '--data-dir', files.work.dataDir], usageCase.env);
      assert.equal(code, 2, stderr);
      assert.equal(stdout, '');
      assert.match(stderr, /^ferry import: [^\n]+\n$/, 'one line, no stack');
      assert.match(stderr, usageCase.stderr);
      assert.doesNotMatch(stderr, /secret/);
    });
  }

  it('exits 3 with one line when the database cannot be reached, without echoing the URL', async () => {
    const { code, stdout, stderr } = await runFerry([
      'import',
      files.csv,
      '--schema',
      files.schema,
      '--database-url',
      'postgres://someone:hunter2@127.0.0.1:1/nowhere',
    ]);
    assert.equal(code, 3, stderr);
    assert.equal(stdout, '');
    assert.match(stderr, /^ferry import: The import database failed or cannot be reached \(connect, ECONNREFUSED\)\n$/);
    assert.doesNotMatch(stderr, /hunter2|someone|nowhere/);
  });
});
