import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SETTINGS } from '../../src/config/settings.js';
import { runFerry } from '../support/ferry-process.js';

describe('ferry --help and config validation', () => {
  it('prints every setting with its flag, environment variable and default', async () => {
    const { code, stdout } = await runFerry(['--help']);
    assert.equal(code, 0);
    for (const setting of Object.values(SETTINGS)) {
      assert.match(stdout, new RegExp(`${setting.flag}\\s+${setting.env}`));
    }
  });

  it('reports every problem at once and exits 2', async () => {
    const { code, stderr } = await runFerry(['--port', 'eighty', '--sync=sometimes', '--bogus'], { FERRY_MAX_SIZE: 'huge' });
    assert.equal(code, 2);
    assert.match(stderr, /--port \/ FERRY_PORT \(from --port\): "eighty" is not a whole number/);
    assert.match(stderr, /--sync \/ FERRY_SYNC \(from --sync\): "sometimes" is not one of interval, always/);
    assert.match(stderr, /--max-size \/ FERRY_MAX_SIZE \(from FERRY_MAX_SIZE\): "huge" is not a size/);
    assert.match(stderr, /--bogus \(from command line\): unknown flag/);
  });

  it('rejects an unknown command with exit 2', async () => {
    const { code, stderr } = await runFerry(['frobnicate']);
    assert.equal(code, 2);
    assert.match(stderr, /unknown command "frobnicate"/);
  });
});
