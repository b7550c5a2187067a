import assert from 'node:assert/strict';
import { stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import { loadConfig } from '../../src/config/load-config.js';
import { isAppError } from '../../src/errors/app-error.js';
import { runFerry } from '../support/ferry-process.js';
import { makeTempDir } from '../support/temp-dir.js';

const REDIS_URL = 'redis://127.0.0.1:6379';
const DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/test';

/** The problems of a CONFIG_INVALID error thrown by `load`, as `setting: message` lines. */
function problemsOf(load: () => unknown): string[] {
  try {
    load();
  } catch (error) {
    assert.ok(isAppError(error, 'CONFIG_INVALID'));
    return ((error.details?.problems ?? []) as { setting: string; message: string }[]).map((p) => `${p.setting}: ${p.message}`);
  }
  assert.fail('the configuration was accepted');
}

describe('cluster mode configuration (FERRY_REDIS_URL)', () => {
  it('is accepted with PostgreSQL and a data dir it can create and write', async () => {
    const dataDir = path.join(await makeTempDir(), 'shared', 'data');
    const config = loadConfig([], { FERRY_REDIS_URL: REDIS_URL, FERRY_DATABASE_URL: DATABASE_URL, FERRY_DATA_DIR: dataDir });
    assert.equal(config.redisUrl, REDIS_URL);
    assert.ok((await stat(dataDir)).isDirectory(), 'the data dir was created');
  });

  it('refuses the SQLite file: the import database must be PostgreSQL', async () => {
    const dataDir = await makeTempDir();
    const problems = problemsOf(() => loadConfig([], { FERRY_REDIS_URL: REDIS_URL, FERRY_DATA_DIR: dataDir }));
    assert.deepEqual(problems, [
      '--database-url / FERRY_DATABASE_URL: cluster mode needs FERRY_DATABASE_URL (PostgreSQL): SQLite on a shared filesystem corrupts',
    ]);
  });

  it('refuses a data dir that cannot be created or written', async () => {
    const file = path.join(await makeTempDir(), 'a-file');
    await writeFile(file, 'not a directory');
    const problems = problemsOf(() =>
      loadConfig([], { FERRY_REDIS_URL: REDIS_URL, FERRY_DATABASE_URL: DATABASE_URL, FERRY_DATA_DIR: path.join(file, 'data') }),
    );
    assert.equal(problems.length, 1);
    assert.match(
      problems[0],
      /^--data-dir \/ FERRY_DATA_DIR: cluster mode needs a writable data dir: .*a-file\/data cannot be created or written \(ENOTDIR\)$/,
    );
  });

  it('needs neither in single-process mode', () => {
    assert.equal(loadConfig([], {}).redisUrl, '');
  });

  it('ferry serve exits 2 with one line per problem, both problems at once', async () => {
    const file = path.join(await makeTempDir(), 'a-file');
    await writeFile(file, '');
    const { code, stderr } = await runFerry(['serve'], { FERRY_REDIS_URL: REDIS_URL, FERRY_DATABASE_URL: '', FERRY_DATA_DIR: path.join(file, 'data') });
    assert.equal(code, 2);
    assert.match(stderr, /--database-url \/ FERRY_DATABASE_URL \(from the settings together\): cluster mode needs FERRY_DATABASE_URL \(PostgreSQL\)/);
    assert.match(stderr, /--data-dir \/ FERRY_DATA_DIR \(from the settings together\): cluster mode needs a writable data dir/);
    assert.doesNotMatch(stderr, /\n\s+at /, 'no stack trace');
  });
});
