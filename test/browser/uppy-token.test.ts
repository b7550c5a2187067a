import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { build } from 'esbuild';
import type { Browser, Page } from 'playwright-core';
import { downloadWithLink, headStatus, JWT_ENV, tokenFor } from '../cli/jwt-server.js';
import { chromiumMissing, closeBrowserAndFerry, launchChromium } from '../support/chromium.js';
import { type FerryProcess, spawnFerry } from '../support/ferry-process.js';
import { makeTempDir } from '../support/temp-dir.js';

const SIZE = 3 * 1024 * 1024 + 5;
const PARTS = 2;

/** The same bytes in the page and here: byte i of a multiplicative hash of i. */
function patternByte(index: number): number {
  return (Math.imul(index, 2654435761) >>> 24) & 0xff;
}

/** Uppy with its tus plugin; `token` goes in the plugin's `headers` option (none: no header). */
const UPPY_PAGE = `
import Uppy from '@uppy/core';
import Tus from '@uppy/tus';
${patternByte.toString()}
globalThis.uploadWithUppy = async (endpoint, size, parallelUploads, token) => {
  const bytes = new Uint8Array(size);
  for (let index = 0; index < size; index += 1) bytes[index] = patternByte(index);
  const uppy = new Uppy();
  const headers = token === undefined ? {} : { Authorization: 'Bearer ' + token };
  uppy.use(Tus, { endpoint, parallelUploads, retryDelays: [], headers });
  uppy.addFile({ name: 'owned.bin', type: 'application/octet-stream', data: new Blob([bytes]) });
  const result = await uppy.upload();
  return {
    urls: (result?.successful ?? []).map((file) => file.uploadURL ?? file.response?.uploadURL),
    failures: (result?.failed ?? []).map((file) => String(file.error)),
  };
};
`;

type UppyResult = { urls: string[]; failures: string[] };

describe("Uppy's tus plugin with a token in `headers`, in Chromium, against FERRY_AUTH=jwt", { skip: chromiumMissing, timeout: 120_000 }, () => {
  let ferry: FerryProcess;
  let browser: Browser;
  let page: Page;

  before(async () => {
    ferry = await spawnFerry({ dataDir: await makeTempDir(), env: JWT_ENV });
    browser = await launchChromium();
    const bundle = await build({
      stdin: { contents: UPPY_PAGE, resolveDir: import.meta.dirname, loader: 'js' },
      bundle: true,
      format: 'iife',
      platform: 'browser',
      write: false,
      logLevel: 'warning',
    });
    page = await browser.newPage();
    // Served at ferry's origin (so /files/ is same-origin) without being one of ferry's routes.
    await page.route(`${ferry.url}/uppy-test`, (route) =>
      route.fulfill({ contentType: 'text/html', body: `<!doctype html><meta charset="utf-8"><script>${bundle.outputFiles[0].text}</script>` }),
    );
    await page.goto(`${ferry.url}/uppy-test`);
  });

  after(() => closeBrowserAndFerry(browser, ferry));

  function upload(token: string | undefined): Promise<UppyResult> {
    return page.evaluate(
      ([size, parts, bearer]) =>
        (globalThis as unknown as { uploadWithUppy: (endpoint: string, size: number, parts: number, token?: string) => Promise<UppyResult> }).uploadWithUppy(
          '/files/',
          size,
          parts,
          bearer ?? undefined,
        ),
      [SIZE, PARTS, token ?? null] as const,
    );
  }

  it(`uploads in ${PARTS} parts and a final with the token: the owner's upload, equal bytes`, async () => {
    const token = await tokenFor('erin');
    const result = await upload(token);
    assert.deepEqual(result.failures, []);
    assert.equal(result.urls.length, 1);
    const finalUrl = new URL(result.urls[0], ferry.url).href;
    assert.equal(await headStatus(finalUrl, token), 200);
    assert.equal(await headStatus(finalUrl, await tokenFor('frank')), 404);

    const expected = createHash('sha256');
    const bytes = Buffer.alloc(SIZE);
    for (let index = 0; index < SIZE; index += 1) bytes[index] = patternByte(index);
    expected.update(bytes);
    const actual = createHash('sha256')
      .update(await downloadWithLink(finalUrl, token))
      .digest('hex');
    assert.equal(actual, expected.digest('hex'));
  });

  it('fails with 401 without a token', async () => {
    const result = await upload(undefined);
    assert.deepEqual(result.urls, []);
    assert.equal(result.failures.length, 1);
    assert.match(result.failures[0], /401/);
  });
});
