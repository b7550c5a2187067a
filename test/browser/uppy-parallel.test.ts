import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { build } from 'esbuild';
import type { Browser } from 'playwright-core';
import { chromiumMissing, closeBrowserAndFerry, launchChromium } from '../support/chromium.js';
import { type FerryProcess, spawnFerry } from '../support/ferry-process.js';
import { makeTempDir } from '../support/temp-dir.js';

const SIZE = 24 * 1024 * 1024 + 13;
const PARTS = 4;

/** The same bytes in the page and here: byte i of a multiplicative hash of i. */
function patternByte(index: number): number {
  return (Math.imul(index, 2654435761) >>> 24) & 0xff;
}

/**
 * The page under test: Uppy with its tus plugin, in the browser it is made for, uploading
 * one file in `parallelUploads` parts (tus concatenation: partial uploads, then a final).
 */
const UPPY_PAGE = `
import Uppy from '@uppy/core';
import Tus from '@uppy/tus';
${patternByte.toString()}
globalThis.uploadWithUppy = async (endpoint, size, parallelUploads) => {
  const bytes = new Uint8Array(size);
  for (let index = 0; index < size; index += 1) bytes[index] = patternByte(index);
  const uppy = new Uppy();
  uppy.use(Tus, { endpoint, parallelUploads, retryDelays: [0, 500] });
  uppy.addFile({ name: 'parts.bin', type: 'application/octet-stream', data: new Blob([bytes]) });
  const result = await uppy.upload();
  return {
    urls: (result?.successful ?? []).map((file) => file.uploadURL ?? file.response?.uploadURL),
    failures: (result?.failed ?? []).map((file) => String(file.error)),
  };
};
`;

async function bundleUppyPage(): Promise<string> {
  const result = await build({
    stdin: { contents: UPPY_PAGE, resolveDir: import.meta.dirname, loader: 'js' },
    bundle: true,
    format: 'iife',
    platform: 'browser',
    write: false,
    logLevel: 'warning',
  });
  return result.outputFiles[0].text;
}

describe("Uppy's tus plugin with parallelUploads, in Chromium", { skip: chromiumMissing, timeout: 120_000 }, () => {
  let ferry: FerryProcess;
  let browser: Browser;

  before(async () => {
    ferry = await spawnFerry({ dataDir: await makeTempDir() });
    browser = await launchChromium();
  });

  after(() => closeBrowserAndFerry(browser, ferry));

  it(`uploads one file as ${PARTS} partial uploads and a final one that hashes equal to the file`, async () => {
    const script = await bundleUppyPage();
    const page = await browser.newPage();
    // Served at ferry's origin (so /files/ is same-origin) without being one of ferry's routes.
    await page.route(`${ferry.url}/uppy-test`, (route) =>
      route.fulfill({ contentType: 'text/html', body: `<!doctype html><meta charset="utf-8"><script>${script}</script>` }),
    );
    await page.goto(`${ferry.url}/uppy-test`);
    const result = await page.evaluate(
      ([size, parts]) =>
        (
          globalThis as unknown as { uploadWithUppy: (endpoint: string, size: number, parts: number) => Promise<{ urls: string[]; failures: string[] }> }
        ).uploadWithUppy('/files/', size, parts),
      [SIZE, PARTS] as const,
    );
    await page.close();
    assert.deepEqual(result.failures, []);
    assert.equal(result.urls.length, 1);

    const finalUrl = new URL(result.urls[0], ferry.url);
    const download = await fetch(finalUrl);
    assert.equal(download.status, 200);
    const expected = createHash('sha256');
    const chunk = Buffer.alloc(1024 * 1024);
    for (let start = 0; start < SIZE; start += chunk.length) {
      const length = Math.min(chunk.length, SIZE - start);
      for (let offset = 0; offset < length; offset += 1) chunk[offset] = patternByte(start + offset);
      expected.update(chunk.subarray(0, length));
    }
    const actual = createHash('sha256')
      .update(Buffer.from(await download.arrayBuffer()))
      .digest('hex');
    assert.equal(actual, expected.digest('hex'));

    // Every part was its own upload: PARTS partial POSTs and the final one.
    const posts = ferry.lines
      .map((line) => JSON.parse(line) as { method?: string; status?: number; route?: string })
      .filter((line) => line.method === 'POST' && line.status === 201);
    assert.equal(posts.length, PARTS + 1);
    assert.equal(path.basename(finalUrl.pathname).length, 32);
  });
});
