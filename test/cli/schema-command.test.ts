import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { runFerry } from '../support/ferry-process.js';
import { makeWorkspace, peopleSchema, REPO } from './cli-fixtures.js';

describe('ferry schema check', () => {
  it('prints ok with the name and column count and exits 0', async () => {
    const work = await makeWorkspace();
    const file = await work.write('people.json', peopleSchema());
    const { code, stdout, stderr } = await runFerry(['schema', 'check', file, path.join(REPO, 'schemas/cars.json')]);
    assert.equal(code, 0, stderr);
    assert.equal(stdout, 'ok: people (3 columns)\nok: cars (9 columns)\n');
    assert.equal(stderr, '');
  });

  it('lists every problem, one per line with file and key path, and exits 2', async () => {
    const work = await makeWorkspace();
    const file = await work.write('bad.json', {
      name: 'bad name',
      columns: [
        { name: 'a', type: 'text' },
        { name: 'b', type: 'integer', minimum: 'low' },
      ],
      colour: 'red',
    });
    const { code, stdout, stderr } = await runFerry(['schema', 'check', file]);
    assert.equal(code, 2);
    assert.equal(stdout, '');
    const lines = stderr.trimEnd().split('\n');
    assert.ok(lines.length >= 4, stderr);
    for (const line of lines) assert.ok(line.startsWith(`${file}: `), line);
    for (const keyPath of ['name', 'columns[0].type', 'columns[1].minimum', 'colour']) {
      assert.ok(
        lines.some((line) => line.startsWith(`${file}: ${keyPath}: `)),
        `a line for ${keyPath}:\n${stderr}`,
      );
    }
  });

  it('reports a file that is missing or not JSON', async () => {
    const work = await makeWorkspace();
    const broken = await work.write('broken.json', '{');
    const { code, stderr } = await runFerry(['schema', 'check', broken, path.join(work.dir, 'missing.json')]);
    assert.equal(code, 2);
    assert.match(stderr, /broken\.json: is not valid JSON/);
    assert.match(stderr, /missing\.json: cannot be read \(ENOENT\)/);
  });

  for (const [name, args, message] of [
    ['no file', ['schema', 'check'], /^ferry schema: missing the schema file to check\n$/],
    ['no subcommand', ['schema'], /^ferry schema: missing the subcommand \(check\)\n$/],
    ['an unknown subcommand', ['schema', 'lint', 'x.json'], /^ferry schema: unknown subcommand "lint"/],
    ['an unknown flag', ['schema', 'check', '--strict', 'x.json'], /^ferry schema: unknown flag --strict\n$/],
  ] as const) {
    it(`exits 2 for ${name}`, async () => {
      const { code, stderr } = await runFerry([...args]);
      assert.equal(code, 2);
      assert.match(stderr, message);
    });
  }
});
