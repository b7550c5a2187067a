import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { chromiumMissing, closeBrowserAndFerry, launchChromium } from '../support/chromium.js';
import { type FerryProcess, spawnFerry } from '../support/ferry-process.js';
import { makeTempDir } from '../support/temp-dir.js';
import { openUppyPage, patternByte, uploadWithUppy } from './uppy-page.js';

const SIZE = 24 * 1024 * 1024 + 13;
const PARTS = 4;

describe("Uppy's tus plugin with parallelUploads, in Chromium", { skip: chromiumMissing, timeout: 120_000 }, () => {
  let ferry: FerryProcess;
  let browser: Browser;

  before(async () => {
    ferry = await spawnFerry({ dataDir: await makeTempDir() });
    browser = await launchChromium();
  });

  after(() => closeBrowserAndFerry(browser, ferry));

  it(`uploads one file as ${PARTS} partial uploads and a final one that hashes equal to the file`, async () => {
    const page = await openUppyPage(browser, ferry.url);
    const result = await uploadWithUppy(page, { size: SIZE, parts: PARTS, retryDelays: [0, 500] });
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
