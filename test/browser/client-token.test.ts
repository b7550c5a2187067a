import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Locator, Page } from 'playwright-core';
import { buildClient } from '../../scripts/build-client.js';
import { headStatus, JWT_ENV, tokenFor } from '../cli/jwt-server.js';
import { chromiumMissing, closeBrowserAndFerry, launchChromium } from '../support/chromium.js';
import { type FerryProcess, spawnFerry } from '../support/ferry-process.js';
import { makeTempDir } from '../support/temp-dir.js';

const MiB = 1024 * 1024;
const WAIT_MS = 20_000;

function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** The page in Chromium against a ferry with FERRY_AUTH=jwt: the token from the fragment or the field, on every request. */
describe('the browser page with a token, in Chromium', { skip: chromiumMissing, timeout: 90_000 }, () => {
  let ferry: FerryProcess;
  let browser: Browser;
  let filesDir: string;
  let alice: string;
  let bob: string;

  before(async () => {
    filesDir = await makeTempDir('ferry-browser-files-');
    const clientDir = await buildClient({ outDir: path.join(await makeTempDir('ferry-client-'), 'dist') });
    ferry = await spawnFerry({ dataDir: await makeTempDir(), args: ['--client-dir', clientDir], env: JWT_ENV });
    browser = await launchChromium();
    alice = await tokenFor('alice');
    bob = await tokenFor('bob');
  });

  after(() => closeBrowserAndFerry(browser, ferry));

  async function openPage(address: string): Promise<{ page: Page; errors: Error[] }> {
    const context = await browser.newContext({ viewport: { width: 375, height: 812 }, acceptDownloads: true });
    const page = await context.newPage();
    const errors: Error[] = [];
    page.on('pageerror', (error) => errors.push(error));
    await page.goto(address);
    return { page, errors };
  }

  async function writeRandomFile(name: string, size: number): Promise<{ path: string; bytes: Buffer }> {
    const filePath = path.join(filesDir, name);
    const bytes = randomBytes(size);
    await writeFile(filePath, bytes);
    return { path: filePath, bytes };
  }

  async function settledItem(page: Page, name: string): Promise<Locator> {
    const item = page.locator('li.upload', { hasText: name });
    await item.and(page.locator('[data-state="done"], [data-state="failed"]')).waitFor({ timeout: WAIT_MS });
    return item;
  }

  it('takes #token= out of the address bar, shows its owner, uploads as the owner and downloads through a signed link', async () => {
    const { page, errors } = await openPage(`${ferry.url}/#token=${alice}`);
    await page.getByText('Uploading as alice.').waitFor({ timeout: WAIT_MS });
    assert.ok(!page.url().includes(alice) && !page.url().includes('#'), `the fragment is gone: ${page.url()}`);
    assert.equal(await page.evaluate(() => sessionStorage.getItem('ferry-token')), alice);

    const file = await writeRandomFile('owned.bin', 2 * MiB);
    const authorizations: (string | undefined)[] = [];
    page.on('request', (request) => {
      if (new URL(request.url()).pathname.startsWith('/files/')) authorizations.push(request.headers().authorization);
    });
    await page.getByLabel('Drop files here or Choose files').setInputFiles(file.path);
    const item = await settledItem(page, 'owned.bin');
    assert.equal(await item.getAttribute('data-state'), 'done', (await item.locator('.status').textContent()) ?? '');
    assert.ok(
      authorizations.length >= 2 && authorizations.every((header) => header === `Bearer ${alice}`),
      `every /files request had the token: ${authorizations.length}`,
    );

    // The server recorded the token's owner: alice sees the upload, bob is told it does not exist.
    const uploadId = await item.getAttribute('data-upload-id');
    assert.ok(uploadId);
    const uploadUrl = `${ferry.url}/files/${uploadId}`;
    assert.equal(await headStatus(uploadUrl, alice), 200);
    assert.equal(await headStatus(uploadUrl, bob), 404);

    const [download] = await Promise.all([
      page.waitForEvent('download', { timeout: WAIT_MS }),
      item.getByRole('button', { name: 'Download the uploaded file' }).click(),
    ]);
    assert.match(download.url(), /[?&]signature=/, 'a signed link, not the token, carried the download');
    assert.ok(!download.url().includes(alice));
    assert.equal(download.suggestedFilename(), 'owned.bin');
    assert.equal(page.url(), `${ferry.url}/`, 'the page stays, with its list of uploads');
    assert.equal(sha256(await readFile((await download.path())!)), sha256(file.bytes));

    assert.equal(
      await page.evaluate((token) => Object.values({ ...localStorage }).some((value) => value.includes(token)), alice),
      false,
      'the token is never in localStorage',
    );
    const widths = await page.evaluate(() => ({ page: document.documentElement.scrollWidth, viewport: window.innerWidth }));
    assert.ok(widths.page <= widths.viewport, `no horizontal scroll at 375px (page ${widths.page}px wide)`);
    await page.context().close();
    assert.deepEqual(errors.map(String), []);
  });

  it('says to sign in on a 401, and Resume goes on with a token pasted into the field', async () => {
    const { page, errors } = await openPage(`${ferry.url}/`);
    await page.getByText('Uploading as anonymous.').waitFor({ timeout: WAIT_MS });
    const file = await writeRandomFile('later.bin', 256 * 1024);
    await page.getByLabel('Drop files here or Choose files').setInputFiles(file.path);
    const item = await settledItem(page, 'later.bin');
    assert.equal(await item.getAttribute('data-state'), 'failed');
    assert.match((await item.locator('.status').textContent()) ?? '', /^Sign in: your token is missing or expired\./);

    await page.getByLabel('Token (for a server that asks you to sign in)').fill(bob);
    await page.keyboard.press('Enter');
    await page.getByText('Uploading as bob.').waitFor({ timeout: WAIT_MS });
    assert.equal(await page.getByLabel('Token (for a server that asks you to sign in)').inputValue(), '', 'the field is cleared');

    await item.getByRole('button', { name: 'Resume' }).click();
    await item.and(page.locator('[data-state="done"]')).waitFor({ timeout: WAIT_MS });
    const uploadId = await item.getAttribute('data-upload-id');
    assert.ok(uploadId);
    assert.equal(await headStatus(`${ferry.url}/files/${uploadId}`, bob), 200);
    assert.equal(await headStatus(`${ferry.url}/files/${uploadId}`, alice), 404);

    await page.getByRole('button', { name: 'Forget the token' }).click();
    await page.getByText('Uploading as anonymous.').waitFor({ timeout: WAIT_MS });
    assert.equal(await page.evaluate(() => sessionStorage.getItem('ferry-token')), null);
    await page.context().close();
    assert.deepEqual(errors.map(String), []);
  });
});
