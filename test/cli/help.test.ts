import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runFerry } from '../support/ferry-process.js';

describe('help for the offline commands', () => {
  it('ferry --help names import and schema check, and keeps the settings table', async () => {
    const { code, stdout } = await runFerry(['--help']);
    assert.equal(code, 0);
    assert.match(stdout, /ferry import <file\.csv> --schema/);
    assert.match(stdout, /ferry schema check <file\.json>/);
    assert.match(stdout, /--database-url\s+FERRY_DATABASE_URL/);
  });

  it('ferry import --help lists the flags and exit codes', async () => {
    const { code, stdout } = await runFerry(['import', '--help']);
    assert.equal(code, 0);
    for (const flag of ['--schema', '--mode', '--max-errors', '--json', '--data-dir', '--database-url', '--schemas-dir']) {
      assert.match(stdout, new RegExp(`^  ${flag} `, 'm'));
    }
    for (const exitCode of [0, 1, 2, 3]) assert.match(stdout, new RegExp(`^  ${exitCode} `, 'm'));
  });

  it('ferry schema --help describes check', async () => {
    const { code, stdout } = await runFerry(['schema', '--help']);
    assert.equal(code, 0);
    assert.match(stdout, /ferry schema check <file\.json>/);
  });
});
