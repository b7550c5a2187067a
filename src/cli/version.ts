import { readFileSync } from 'node:fs';

/**
 * ferry's version, from its package.json: two folders up from this file both in the sources
 * (src/cli/) and in the build (dist/cli/), so `ferry --version` says what is installed.
 */
export function readVersion(): string {
  const manifest = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return manifest.version;
}
