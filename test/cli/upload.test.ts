import assert from 'node:assert/strict';
import { copyFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type FerryProcess, runFerry, spawnFerry } from '../support/ferry-process.js';
import { makeTempDir } from '../support/temp-dir.js';
import { REPO } from './cli-fixtures.js';
import { accessLines, downloadHash, MiB, resumeEntries, uploadedUrl, writeRandomFile } from './upload-fixtures.js';

const CARS_HEADER = 'Car;MPG;Cylinders;Displacement;Horsepower;Weight;Acceleration;Model;Origin\nSTRING;DOUBLE;INT;DOUBLE;DOUBLE;DOUBLE;DOUBLE;INT;CAT\n';
/** One good car, one with a MPG that is not a number, one from a place the enum does not know. */
const BAD_CARS = `${CARS_HEADER}Ford Torino;17.0;8;302.0;140.0;3449.;10.5;70;US\nAMC Rebel SST;lots;8;304.0;150.0;3433.;12.0;70;US\nFiat 128;29.0;4;68.0;49.0;1867.;19.5;73;Mars\n`;

describe('ferry upload against a real ferry process', () => {
  let ferry: FerryProcess;
  let work: string;
  let cacheDir: string;
  let endpoint: string;
  const upload = (args: string[]) => runFerry(['upload', ...args, '--url', endpoint], { FERRY_CACHE_DIR: cacheDir });

  before(async () => {
    work = await makeTempDir();
    cacheDir = path.join(work, 'cache');
    ferry = await spawnFerry({ dataDir: path.join(work, 'data'), args: ['--schemas-dir', path.join(REPO, 'schemas')] });
    endpoint = `${ferry.url}/files/`;
  });
  after(async () => {
    ferry.child.kill('SIGTERM');
    await ferry.exited;
  });

  it('prints plain progress lines when stdout is not a terminal, and the server has the same bytes', async () => {
    const { file, hash } = await writeRandomFile(work, 'plain.bin', 4 * MiB);
    const { code, stdout, stderr } = await upload([file, '--chunk-size', '256KiB']);
    assert.equal(code, 0, stderr);
    assert.equal(stderr, '');
    const lines = stdout.trimEnd().split('\n');
    assert.equal(lines[0], `${file}: 0 B / 4.0 MiB (0%)`);
    const middle = lines.slice(1, -2).map((line) => {
      const match = new RegExp(`^${file}: \\d+\\.\\d (?:KiB|MiB) / 4\\.0 MiB \\((\\d+)%\\) \\d+\\.\\d (?:KiB|MiB|GiB)/s$`).exec(line);
      assert.ok(match, `a progress line: ${line}`);
      return Number(match[1]);
    });
    assert.ok(middle.length >= 3 && middle.length <= 9, `a line at each tenth reached: ${middle.join(', ')}`);
    assert.deepEqual(
      middle,
      [...middle].sort((left, right) => left - right),
    );
    assert.ok(middle.every((percent) => percent >= 10 && percent < 100));
    assert.match(lines.at(-2)!, new RegExp(`^${file}: 4\\.0 MiB / 4\\.0 MiB \\(100%\\) \\d+\\.\\d (?:KiB|MiB|GiB)/s$`));
    const url = uploadedUrl(stdout, file);
    assert.match(url, new RegExp(`^${endpoint}[0-9a-f]{32}$`));
    assert.equal(await downloadHash(url), hash);
    assert.deepEqual(await resumeEntries(cacheDir), [], 'a finished upload leaves no resume state');
  });

  it('uploads several files, two at a time', async () => {
    const files = await Promise.all(['one', 'two', 'three'].map((name) => writeRandomFile(work, `${name}.bin`, MiB)));
    const { code, stdout, stderr } = await upload([...files.map(({ file }) => file), '--parallel', '2', '--chunk-size', '128KiB']);
    assert.equal(code, 0, stderr);
    for (const { file, hash } of files) assert.equal(await downloadHash(uploadedUrl(stdout, file)), hash);
  });

  it("with --schema, waits for the import and prints ferry import's report: exit 0 when every row is good", async () => {
    const csv = path.join(work, 'cars.csv');
    await copyFile(path.join(REPO, 'test/fixtures/csv/cars.csv'), csv);
    const { code, stdout, stderr } = await upload([csv, '--schema', 'cars']);
    assert.equal(code, 0, stderr);
    assert.match(stdout, new RegExp(`^${csv}: uploaded ${endpoint}[0-9a-f]{32}$`, 'm'));
    assert.match(stdout, /^schema: +cars \(table cars\)$/m);
    assert.match(stdout, /^mode: +all-or-nothing$/m);
    assert.match(stdout, /^rows: +5 read, 5 imported, 0 failed$/m);
    assert.match(stdout, /^result: +imported 5 rows$/m);
  });

  it('with --schema and rows that break it: the report with the errors table, exit 1', async () => {
    const csv = path.join(work, 'bad-cars.csv');
    await writeFile(csv, BAD_CARS);
    const { code, stdout, stderr } = await upload([csv, '--schema', 'cars', '--mode', 'skip-bad-rows']);
    assert.equal(code, 1, stderr);
    assert.match(stdout, /^mode: +skip-bad-rows$/m);
    assert.match(stdout, /^rows: +3 read, 1 imported, 2 failed$/m);
    assert.match(stdout, /^result: +imported 1 good rows, skipped 2 bad ones$/m);
    assert.match(stdout, /^2 errors:\nrow +line +column +code +value +message$/m);
    assert.match(stdout, /^4 +4 +MPG +type-error +lots +"lots" is not a number$/m);
    assert.match(stdout, /^5 +5 +Origin +constraint-error +Mars +"Mars" is not one of US, Europe, Japan$/m);
  });

  it('--json prints one document with each upload and its import', async () => {
    const csv = path.join(work, 'bad-cars-json.csv');
    await writeFile(csv, BAD_CARS);
    const { code, stdout, stderr } = await upload([csv, '--schema', 'cars', '--json']);
    assert.equal(code, 1, stderr);
    const { uploads } = JSON.parse(stdout) as {
      uploads: {
        file: string;
        exitCode: number;
        url: string;
        import: { url: string; mode: string; summary: { rowsImported: number; errorCount: number }; errors: { row: number; code: string }[] };
      }[];
    };
    assert.equal(uploads.length, 1);
    const [result] = uploads;
    assert.equal(result.file, csv);
    assert.equal(result.exitCode, 1);
    const uploadId = result.url.split('/').at(-1);
    assert.equal(result.import.url, `${ferry.url}/imports/upload-${uploadId}`);
    assert.equal(result.import.mode, 'all-or-nothing');
    assert.equal(result.import.summary.rowsImported, 0);
    assert.deepEqual(
      result.import.errors.map(({ row, code: errorCode }) => [row, errorCode]),
      [
        [4, 'type-error'],
        [5, 'constraint-error'],
      ],
    );
  });

  it('an unknown schema is a usage error before anything is uploaded: exit 2, with the names the server knows', async () => {
    const csv = path.join(work, 'cars-unknown.csv');
    await copyFile(path.join(REPO, 'test/fixtures/csv/cars.csv'), csv);
    const logged = ferry.lines.length;
    const { code, stdout, stderr } = await upload([csv, '--schema', 'lorries']);
    assert.equal(code, 2);
    assert.equal(stdout, '');
    assert.equal(stderr, `ferry upload: unknown schema "lorries" on ${ferry.url}/ (known: cars, everything)\n`);
    assert.deepEqual(
      accessLines(ferry, logged).filter((line) => line.method === 'POST'),
      [],
      'no upload was created',
    );
  });
});
