import { copyFile, mkdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { build } from 'esbuild';

/**
 * Builds the browser page into client/dist: app.js (client/src bundled with tus-js-client's
 * browser build, minified), styles.css and index.html copied as they are. The files are
 * written to a fresh directory that then replaces client/dist, so a running ferry never
 * serves a mix of two builds. `npm run build:client`; the browser test calls buildClient() too.
 */
export const CLIENT_DIR = path.resolve(import.meta.dirname, '../client');

export interface BuildClientOptions {
  /** Where the page goes (default client/dist). */
  outDir?: string;
}

export async function buildClient({ outDir = path.join(CLIENT_DIR, 'dist') }: BuildClientOptions = {}): Promise<string> {
  const staging = `${outDir}.building-${process.pid}`;
  await rm(staging, { recursive: true, force: true });
  await mkdir(staging, { recursive: true });
  try {
    await build({
      entryPoints: [path.join(CLIENT_DIR, 'src/main.ts')],
      outfile: path.join(staging, 'app.js'),
      bundle: true,
      format: 'esm',
      platform: 'browser',
      target: ['es2020', 'chrome100', 'firefox100', 'safari15'],
      minify: true,
      legalComments: 'eof',
      logLevel: 'warning',
    });
    await copyFile(path.join(CLIENT_DIR, 'index.html'), path.join(staging, 'index.html'));
    await copyFile(path.join(CLIENT_DIR, 'styles.css'), path.join(staging, 'styles.css'));
    await rm(outDir, { recursive: true, force: true });
    await rename(staging, outDir);
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    throw error;
  }
  return outDir;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const outDir = await buildClient();
  console.log(`client built: ${path.relative(process.cwd(), outDir) || outDir}`);
}
