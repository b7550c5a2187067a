import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { runFerry } from '../support/ferry-process.js';
import { makeTempDir } from '../support/temp-dir.js';

const REPO = path.resolve(import.meta.dirname, '../..');
const example = (name: string): string => path.join(REPO, 'examples', name);
const SCHEMAS = ['--schemas-dir', path.join(REPO, 'schemas')];

describe("the README's CSV import, on the files in examples/", () => {
  it('examples/cars.csv imports whole: exit 0', async () => {
    const { code, stdout, stderr } = await runFerry(['import', example('cars.csv'), '--schema', 'cars', ...SCHEMAS, '--data-dir', await makeTempDir()]);
    assert.equal(code, 0, stderr);
    assert.match(stdout, /^rows:\s+10 read, 10 imported, 0 failed$/m);
  });

  it('examples/cars-bad.csv: exit 1, its five bad rows listed, nothing written (all-or-nothing) or the good rows (skip-bad-rows)', async () => {
    const dataDir = await makeTempDir();
    const strict = await runFerry(['import', example('cars-bad.csv'), '--schema', 'cars', ...SCHEMAS, '--data-dir', dataDir, '--json']);
    assert.equal(strict.code, 1, strict.stderr);
    const report = JSON.parse(strict.stdout) as {
      summary: { rowsRead: number; rowsImported: number };
      errors: { row: number; column: string; code: string }[];
    };
    assert.equal(report.summary.rowsRead, 8);
    assert.equal(report.summary.rowsImported, 0);
    assert.deepEqual(
      report.errors.map(({ row, column, code }) => `${row} ${column} ${code}`),
      ['4 MPG type-error', '5 Cylinders type-error', '6 Car constraint-error', '7 Origin constraint-error', '9 Origin missing-cell'],
    );
    const lenient = await runFerry(['import', example('cars-bad.csv'), '--schema', 'cars', ...SCHEMAS, '--data-dir', dataDir, '--mode', 'skip-bad-rows']);
    assert.equal(lenient.code, 1, lenient.stderr);
    assert.match(lenient.stdout, /^result:\s+imported 3 good rows, skipped 5 bad ones$/m);
  });
});
