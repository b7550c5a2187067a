/**
 * Child process of constant-memory.test.ts: streams generated CSV through readRecords and
 * prints {records, problems, growth} as JSON, growth being the largest RSS growth seen.
 * Usage: stream-generated-csv.ts <blocks|commas> <count of blocks | MiB of commas>
 */
import { readRecords } from '../../src/csv/read/index.js';
import { blocks, commas } from './generated-csv.js';

const [kind, size] = process.argv.slice(2);
const source = kind === 'commas' ? commas(Number(size)) : blocks(Number(size));
const baseline = process.memoryUsage().rss;
let peak = baseline;
let records = 0;
let problems = 0;
for await (const record of readRecords(source, { delimiter: ',', encoding: 'utf-8', maxRecordSize: 64 * 1024 })) {
  records += 1;
  problems += record.problems.length;
  if (records % 10_000 === 0) peak = Math.max(peak, process.memoryUsage().rss);
}
peak = Math.max(peak, process.memoryUsage().rss);
process.stdout.write(JSON.stringify({ records, problems, growth: peak - baseline }));
