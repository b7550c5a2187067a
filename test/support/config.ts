import { loadConfig } from '../../src/config/load-config.js';
import type { Config } from '../../src/config/settings.js';
import { makeTempDir } from './temp-dir.js';

/** The defaults, a fresh data dir, silent logs, then `overrides`. */
export async function makeTestConfig(overrides: Partial<Config> = {}): Promise<Config> {
  const defaults = loadConfig([], {});
  return Object.freeze({ ...defaults, dataDir: await makeTempDir(), logLevel: 'silent', port: 0, ...overrides });
}
