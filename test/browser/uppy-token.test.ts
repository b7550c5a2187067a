import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { downloadWithLink, headStatus, JWT_ENV, tokenFor } from '../cli/jwt-server.js';
import { chromiumMissing, closeBrowserAndFerry, launchChromium } from '../support/chromium.js';
import { type FerryProcess, spawnFerry } from '../support/ferry-process.js';
import { makeTempDir } from '../support/temp-dir.js';
import { openUppyPage, patternBytes, type UppyResult, uploadWithUppy } from './uppy-page.js';

const SIZE = 3 * 1024 * 1024 + 5;
const PARTS = 2;

describe("Uppy's tus plugin with a token in `headers`, in Chromium, against FERRY_AUTH=jwt", { skip: chromiumMissing, timeout: 120_000 }, () => {
  let ferry: FerryProcess;
  let browser: Browser;
  let page: Page;

  before(async () => {
    ferry = await spawnFerry({ dataDir: await makeTempDir(), env: JWT_ENV });
    browser = await launchChromium();
    page = await openUppyPage(browser, ferry.url);
  });

  after(() => closeBrowserAndFerry(browser, ferry));

  function upload(token: string | undefined): Promise<UppyResult> {
    return uploadWithUppy(page, { size: SIZE, parts: PARTS, token, retryDelays: [] });
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
    expected.update(patternBytes(SIZE));
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
