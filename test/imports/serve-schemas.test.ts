import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import { runFerry } from '../support/ferry-process.js';
import { makeTempDir } from '../support/temp-dir.js';
import { peopleSchema, writeSchemasDir } from './harness.js';

test('ferry serve with a bad schema file does not start: exit 2, every problem listed', async () => {
  const schemasDir = await writeSchemasDir([peopleSchema()]);
  await writeFile(path.join(schemasDir, 'broken.json'), JSON.stringify({ name: 'broken', columns: [{ name: 'a b', type: 'text' }] }));
  await writeFile(path.join(schemasDir, 'twice.json'), JSON.stringify(peopleSchema()));
  await writeFile(path.join(schemasDir, 'garbled.json'), '{"name": ');
  const { code, stderr } = await runFerry(['serve', '--port', '0', '--data-dir', await makeTempDir(), '--schemas-dir', schemasDir]);
  assert.equal(code, 2, stderr);
  assert.match(stderr, /^ferry: invalid schema:/);
  assert.match(stderr, /broken\.json: columns\[0\]\.name/);
  assert.match(stderr, /broken\.json: columns\[0\]\.type/);
  assert.match(stderr, /garbled\.json: is not valid JSON/);
  assert.match(stderr, /twice\.json: name: "people" is already the name of the schema in .*people\.json/);
});
