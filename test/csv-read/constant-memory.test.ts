import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { readRecords } from '../../src/csv/read/index.js';
import { blockCount, blocks } from './generated-csv.js';

const MiB = 1024 * 1024;
const child = fileURLToPath(new URL('./stream-generated-csv.ts', import.meta.url));

interface Outcome {
  records: number;
  problems: number;
  growth: number;
}

/**
 * Streams generated CSV in a child under a small V8 heap: live JS objects beyond it would
 * crash the child, and the RSS bound catches buffers kept outside the heap. The small heap
 * also keeps V8 from piling up garbage, so RSS shows what is live. Not timed.
 */
async function streamInChild(kind: 'blocks' | 'commas', size: number): Promise<Outcome> {
  const { stdout } = await promisify(execFile)(process.execPath, [
    '--max-old-space-size=32',
    '--max-semi-space-size=2',
    '--import',
    'tsx',
    child,
    kind,
    String(size),
  ]);
  return JSON.parse(stdout) as Outcome;
}

test('200 MiB of CSV stream through readRecords in bounded memory', async () => {
  let once = { records: 0, problems: 0 };
  for await (const record of readRecords(blocks(1), { delimiter: ',', encoding: 'utf-8', maxRecordSize: 64 * 1024 })) {
    once = { records: once.records + 1, problems: once.problems + record.problems.length };
  }
  assert.ok(once.problems > 0);
  const count = blockCount(200);
  const { records, problems, growth } = await streamInChild('blocks', count);
  assert.deepEqual({ records, problems }, { records: once.records * count, problems: once.problems * count });
  assert.ok(growth < 100 * MiB, `RSS grew by ${(growth / MiB).toFixed(1)} MiB`);
});

test('a 64 MiB line of delimiters without a line break is cut, not buffered', async () => {
  const { records, problems, growth } = await streamInChild('commas', 64);
  assert.deepEqual({ records, problems }, { records: 3, problems: 1 });
  assert.ok(growth < 100 * MiB, `RSS grew by ${(growth / MiB).toFixed(1)} MiB`);
});
