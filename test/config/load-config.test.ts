import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadConfig } from '../../src/config/load-config.js';
import { parseByteSize } from '../../src/config/parsers.js';
import { isAppError } from '../../src/errors/app-error.js';

describe('loadConfig', () => {
  it('uses the documented defaults', () => {
    const config = loadConfig([], {});
    assert.equal(config.host, '127.0.0.1');
    assert.equal(config.port, 1080);
    assert.equal(config.dataDir, './storage');
    assert.equal(config.syncIntervalMs, 1000);
    assert.equal(config.sync, 'interval');
    assert.deepEqual(config.corsOrigins, ['*']);
    assert.ok(Object.isFrozen(config));
  });

  it('takes flags over environment over defaults', () => {
    const config = loadConfig(['--port', '9000', '--data-dir=/srv/up'], { FERRY_PORT: '8000', FERRY_HOST: '0.0.0.0' });
    assert.equal(config.port, 9000);
    assert.equal(config.host, '0.0.0.0');
    assert.equal(config.dataDir, '/srv/up');
  });

  it('normalises the public URL and origins', () => {
    const config = loadConfig([], { FERRY_PUBLIC_URL: 'https://up.example.com/', FERRY_CORS_ORIGINS: 'https://a.example, https://b.example:8443' });
    assert.equal(config.publicUrl, 'https://up.example.com');
    assert.deepEqual(config.corsOrigins, ['https://a.example', 'https://b.example:8443']);
  });

  it('lists every bad setting in one CONFIG_INVALID error', () => {
    assert.throws(
      () => loadConfig(['--port'], { FERRY_SYNC_INTERVAL_MS: '-5', FERRY_PUBLIC_URL: 'ftp://x', FERRY_CORS_ORIGINS: 'https://a.example/path' }),
      (error: unknown) => {
        assert.ok(isAppError(error, 'CONFIG_INVALID'));
        const problems = error.details?.problems as { setting: string }[];
        assert.deepEqual(problems.map((p) => p.setting).sort(), [
          '--cors-origins / FERRY_CORS_ORIGINS',
          '--port',
          '--public-url / FERRY_PUBLIC_URL',
          '--sync-interval-ms / FERRY_SYNC_INTERVAL_MS',
        ]);
        return true;
      },
    );
  });
});

describe('database URL', () => {
  it('accepts a postgres URL, and reports a bad one without echoing it (it may hold a password)', () => {
    assert.equal(loadConfig([], { FERRY_DATABASE_URL: 'postgres://u:secret@127.0.0.1:5432/test' }).databaseUrl, 'postgres://u:secret@127.0.0.1:5432/test');
    assert.throws(
      () => loadConfig([], { FERRY_DATABASE_URL: 'mysql://u:secret@db/x' }),
      (error: Error) => {
        assert.match(error.message, /FERRY_DATABASE_URL.*must be a postgres:\/\/ URL/);
        assert.doesNotMatch(error.message, /secret/);
        return true;
      },
    );
  });
});

describe('parseByteSize', () => {
  const cases: [string, number][] = [
    ['0', 0],
    ['1048576', 1048576],
    ['8MiB', 8 * 1024 ** 2],
    ['10 GB', 10 * 1000 ** 3],
    ['1.5k', 1536],
    ['2gib', 2 * 1024 ** 3],
  ];
  for (const [raw, expected] of cases) {
    it(`reads ${JSON.stringify(raw)} as ${expected}`, () => assert.equal(parseByteSize(raw), expected));
  }
  for (const raw of ['', 'ten', '5 parsecs', '-1']) {
    it(`rejects ${JSON.stringify(raw)}`, () => assert.throws(() => parseByteSize(raw), /is not a size/));
  }
});
