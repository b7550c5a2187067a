import { homedir } from 'node:os';
import path from 'node:path';

export interface CacheDirContext {
  env: NodeJS.ProcessEnv;
  platform: NodeJS.Platform;
  home: string;
}

/**
 * Where ferry keeps state that only saves work (which upload URL belongs to which file):
 * `FERRY_CACHE_DIR` when set, else the platform's user cache directory, `$XDG_CACHE_HOME/ferry`
 * or `~/.cache/ferry` (the XDG base directory spec; a relative XDG_CACHE_HOME is ignored, as
 * the spec asks), `~/Library/Caches/ferry` on macOS, `%LOCALAPPDATA%\ferry\Cache` on Windows.
 */
export function ferryCacheDir({ env, platform, home }: CacheDirContext = { env: process.env, platform: process.platform, home: homedir() }): string {
  if (env.FERRY_CACHE_DIR !== undefined && env.FERRY_CACHE_DIR !== '') return path.resolve(env.FERRY_CACHE_DIR);
  if (platform === 'darwin') return path.join(home, 'Library', 'Caches', 'ferry');
  if (platform === 'win32') return path.join(env.LOCALAPPDATA ?? path.join(home, 'AppData', 'Local'), 'ferry', 'Cache');
  const xdg = env.XDG_CACHE_HOME;
  return path.join(xdg !== undefined && path.isAbsolute(xdg) ? xdg : path.join(home, '.cache'), 'ferry');
}
