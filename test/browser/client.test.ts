import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Locator, Page } from 'playwright-core';
import { buildClient } from '../../scripts/build-client.js';
import { chromiumMissing, closeBrowserAndFerry, launchChromium } from '../support/chromium.js';
import { type FerryProcess, spawnFerry } from '../support/ferry-process.js';
import { makeTempDir } from '../support/temp-dir.js';

const SCHEMAS_DIR = path.resolve(import.meta.dirname, '../../schemas');
/** Screenshots of the import report (git-ignored). */
const OUTPUT_DIR = path.resolve(import.meta.dirname, '../../test-output/browser');
const MiB = 1024 * 1024;
const MAX_SIZE = 8 * MiB;
const WAIT_MS = 20_000;

/** Lines of ferry's access log (pino JSON). */
interface AccessLine {
  method?: string;
  route?: string;
  uploadId?: string;
  status?: number;
  msg?: string;
}

/**
 * The upload page in a real Chromium against ferry as a child process: the page is built
 * from client/ into a temp dir (so this runs the current sources) and served by ferry.
 */
describe('the browser page, in Chromium', { skip: chromiumMissing, timeout: 90_000 }, () => {
  let ferry: FerryProcess;
  let browser: Browser;
  let filesDir: string;

  before(async () => {
    filesDir = await makeTempDir('ferry-browser-files-');
    const clientDir = await buildClient({ outDir: path.join(await makeTempDir('ferry-client-'), 'dist') });
    ferry = await spawnFerry({
      dataDir: await makeTempDir(),
      args: ['--schemas-dir', SCHEMAS_DIR, '--client-dir', clientDir, '--max-size', String(MAX_SIZE)],
    });
    browser = await launchChromium();
  });

  after(() => closeBrowserAndFerry(browser, ferry));

  const pageErrors = new WeakMap<Page, Error[]>();

  /** A page in a fresh context (its own localStorage); its uncaught errors are collected. */
  async function openPage(query = '', viewport = { width: 1280, height: 900 }): Promise<Page> {
    const context = await browser.newContext({ viewport });
    const page = await context.newPage();
    const errors: Error[] = [];
    pageErrors.set(page, errors);
    page.on('pageerror', (error) => errors.push(error));
    await page.goto(`${ferry.url}/${query}`);
    return page;
  }

  /** Closes the page's context, failing on any uncaught error the page had. */
  async function closePage(page: Page): Promise<void> {
    await page.context().close();
    assert.deepEqual(pageErrors.get(page)?.map(String), [], 'no uncaught errors in the page');
  }

  async function writeRandomFile(name: string, size: number): Promise<{ path: string; sha256: string }> {
    const filePath = path.join(filesDir, name);
    const bytes = randomBytes(size);
    await writeFile(filePath, bytes);
    return { path: filePath, sha256: sha256(bytes) };
  }

  /** The list item of a file, once it is done or has failed; fails with its status line otherwise. */
  async function settledItem(page: Page, name: string): Promise<Locator> {
    const item = page.locator('li.upload', { hasText: name });
    await item.and(page.locator('[data-state="done"], [data-state="failed"]')).waitFor({ timeout: WAIT_MS });
    assert.equal(await item.getAttribute('data-state'), 'done', `upload of ${name}: ${await item.locator('.status').textContent()}`);
    return item;
  }

  async function serverBytesHash(uploadId: string): Promise<string> {
    const response = await fetch(`${ferry.url}/files/${uploadId}`);
    assert.equal(response.status, 200);
    return sha256(Buffer.from(await response.arrayBuffer()));
  }

  function accessLines(from = 0): AccessLine[] {
    return ferry.lines
      .slice(from)
      .map((line) => JSON.parse(line) as AccessLine)
      .filter((line) => line.msg === 'request completed');
  }

  it('uploads a file picked through the labelled file input; the server holds the same bytes', async () => {
    const page = await openPage();
    const file = await writeRandomFile('photo.bin', 3 * MiB);
    await page.getByLabel('Drop files here or Choose files').setInputFiles(file.path);

    const item = await settledItem(page, 'photo.bin');
    assert.equal(await item.locator('.status').textContent(), 'Uploaded.');
    assert.match((await item.locator('.numbers').textContent()) ?? '', /^3 MiB of 3 MiB · 100%/);
    assert.equal(await item.locator('progress').evaluate((bar: HTMLProgressElement) => bar.value === bar.max), true);
    assert.equal(await page.locator('#limits').textContent(), 'Up to 8 MiB per file. Uploads resume after a dropped connection or a reload.');
    const uploadId = await item.getAttribute('data-upload-id');
    assert.ok(uploadId);
    assert.equal(await serverBytesHash(uploadId), file.sha256);
    await closePage(page);
  });

  it("resumes after a reload mid-upload from the server's offset: one POST, the next PATCH starts past 0", async () => {
    const chunkSize = 64 * 1024;
    const chunksBeforeReload = 3;
    const page = await openPage(`?chunkSize=${chunkSize}`);
    const file = await writeRandomFile('resume-me.bin', 2 * MiB);
    const logFrom = ferry.lines.length;

    // Let three PATCHes through, then hold the fourth: the page is reloaded while it waits.
    let patchesSeen = 0;
    let heldPatch!: () => void;
    const patchHeld = new Promise<void>((resolve) => {
      heldPatch = resolve;
    });
    await page.route(
      (url) => url.pathname.startsWith('/files/'),
      async (route) => {
        if (route.request().method() !== 'PATCH') return route.continue();
        patchesSeen += 1;
        if (patchesSeen <= chunksBeforeReload) return route.continue();
        heldPatch();
      },
    );
    await page.locator('#files').setInputFiles(file.path);
    await page.waitForFunction(() => (document.querySelector<HTMLProgressElement>('li.upload progress')?.value ?? 0) > 0, undefined, { timeout: WAIT_MS });
    await patchHeld;
    const uploadId = await page.locator('li.upload').getAttribute('data-upload-id');
    assert.ok(uploadId);
    assert.equal(await serverOffset(uploadId), chunksBeforeReload * chunkSize, 'the server holds the first chunks');

    // The reload cancels the held PATCH; only then may requests go through again.
    await page.reload();
    await page.unrouteAll({ behavior: 'ignoreErrors' });
    assert.equal(await serverOffset(uploadId), chunksBeforeReload * chunkSize, 'the held chunk never reached the server');
    const offsetsAfterReload: number[] = [];
    page.on('request', (request) => {
      if (request.method() === 'PATCH') offsetsAfterReload.push(Number(request.headers()['upload-offset']));
    });
    assert.match((await page.locator('#unfinished').textContent()) ?? '', /resume-me\.bin \(2 MiB\)/, 'the page lists the unfinished upload');
    await page.locator('#files').setInputFiles(file.path);

    const item = await settledItem(page, 'resume-me.bin');
    assert.equal(await item.getAttribute('data-upload-id'), uploadId, 'the same upload continued');
    assert.equal(offsetsAfterReload[0], chunksBeforeReload * chunkSize, "the first PATCH after the reload starts at the server's offset");
    const posts = accessLines(logFrom).filter((line) => line.method === 'POST' && line.route?.startsWith('/files'));
    assert.deepEqual(
      posts.map((line) => [line.uploadId, line.status]),
      [[uploadId, 201]],
      'exactly one POST created the upload',
    );
    assert.equal(await serverBytesHash(uploadId), file.sha256);
    const storedUploads = await page.evaluate(() => Object.keys(localStorage).filter((key) => key.startsWith('tus::')));
    assert.deepEqual(storedUploads, [], 'a finished upload is removed from localStorage');
    await closePage(page);
  });

  it('is keyboard operable: Tab reaches the file input, Pause and Resume work from the keyboard and hand focus over', async () => {
    const chunkSize = 64 * 1024;
    const page = await openPage(`?chunkSize=${chunkSize}`);
    const file = await writeRandomFile('pause-me.bin', MiB);
    // First the token form ("Forget the token" is disabled without a token), then the upload's fields.
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'token');
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Use this token');
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'schema');
    await page.keyboard.press('Tab'); // the mode select is disabled until a schema is picked
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'files');
    assert.equal(await page.locator('#drop-zone').evaluate((zone) => zone.matches(':focus-within')), true);

    // Hold the second PATCH, so the upload is surely running when Pause is pressed.
    let patchesSeen = 0;
    let heldPatch!: () => void;
    const patchHeld = new Promise<void>((resolve) => {
      heldPatch = resolve;
    });
    await page.route(
      (url) => url.pathname.startsWith('/files/'),
      async (route) => {
        if (route.request().method() !== 'PATCH') return route.continue();
        patchesSeen += 1;
        if (patchesSeen === 1) return route.continue();
        heldPatch();
      },
    );
    await page.locator('#files').setInputFiles(file.path);
    await patchHeld;
    const item = page.locator('li.upload', { hasText: 'pause-me.bin' });
    await item.getByRole('button', { name: 'Pause' }).press('Enter');
    await item.and(page.locator('[data-state="paused"]')).waitFor({ timeout: WAIT_MS });
    assert.equal(await item.locator('.status').textContent(), 'Paused at 64 KiB of 1 MiB.');
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Resume', 'focus moved to Resume');
    await page.unrouteAll({ behavior: 'ignoreErrors' });
    await page.keyboard.press('Enter');
    await settledItem(page, 'pause-me.bin');
    assert.equal(await serverBytesHash((await item.getAttribute('data-upload-id'))!), file.sha256);
    await closePage(page);
  });

  /** cars-bad.csv: rows 4 (MPG "eighteen") and 5 (Origin "Mars") are bad, rows 3 and 6 good. */
  async function writeBadCarsCsv(): Promise<string> {
    const csvPath = path.join(filesDir, 'cars-bad.csv');
    await writeFile(
      csvPath,
      [
        'Car;MPG;Cylinders;Displacement;Horsepower;Weight;Acceleration;Model;Origin',
        'STRING;DOUBLE;INT;DOUBLE;DOUBLE;DOUBLE;DOUBLE;INT;CAT',
        'Chevrolet Chevelle Malibu;18.0;8;307.0;130.0;3504.;12.0;70;US',
        'Buick Skylark 320;eighteen;8;350.0;165.0;3693.;11.5;70;US',
        'Plymouth Satellite;18.0;8;318.0;150.0;3436.;11.0;70;Mars',
        'AMC Rebel SST;16.0;8;304.0;150.0;3433.;12.0;70;US',
        '',
      ].join('\n'),
    );
    return csvPath;
  }

  /** Uploads cars-bad.csv as "cars" and waits for its bad-rows table; the list item and the table. */
  async function importBadCars(page: Page): Promise<{ item: Locator; report: Locator; table: Locator }> {
    await page.getByLabel('Import CSV files as').selectOption('cars');
    await page.locator('#files').setInputFiles(await writeBadCarsCsv());
    const item = await settledItem(page, 'cars-bad.csv');
    const report = item.locator('section.import');
    await report.and(page.locator('[data-status="succeeded"], [data-status="failed"]')).waitFor({ timeout: WAIT_MS });
    assert.equal(await report.locator('.import-status').textContent(), '2 rows of 4 have errors, so nothing was imported (all-or-nothing).');
    const table = report.locator('table.bad-rows');
    await table.waitFor({ timeout: WAIT_MS });
    assert.deepEqual(await table.locator('thead th').allTextContents(), [
      'Row',
      'Problems',
      'Car',
      'MPG',
      'Cylinders',
      'Displacement',
      'Horsepower',
      'Weight',
      'Acceleration',
      'Model',
      'Origin',
    ]);
    assert.deepEqual(await table.locator('tbody tr').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-row'))), ['4', '5']);
    return { item, report, table };
  }

  /** The cells of the table's body marked bad: row, column, text, class and title. */
  function markedCells(table: Locator) {
    return table.locator('td[aria-invalid="true"]').evaluateAll((cells) =>
      cells.map((cell) => ({
        row: cell.closest('tr')?.getAttribute('data-row'),
        column: cell.getAttribute('data-column'),
        text: cell.textContent,
        className: cell.className,
        title: cell.getAttribute('title'),
      })),
    );
  }

  const MARKED = [
    { row: '4', column: 'MPG', text: 'eighteen', className: 'bad', title: 'row 4, column "MPG": "eighteen" is not a number' },
    { row: '5', column: 'Origin', text: 'Mars', className: 'bad', title: 'row 5, column "Origin": "Mars" is not one of US, Europe, Japan' },
  ];

  /** Each body row's cells after Row and Problems, as text. */
  function rowCells(table: Locator) {
    return table.locator('tbody tr').evaluateAll((rows) => rows.map((row) => [...row.querySelectorAll('td:not(.problems)')].map((cell) => cell.textContent)));
  }

  it('uploads a CSV with a schema and shows the import report: the bad rows whole, the bad cells marked by row and column', async () => {
    const page = await openPage();
    const { item, report, table } = await importBadCars(page);
    const uploadId = await item.getAttribute('data-upload-id');
    const counts = await report.locator('.counts div').allTextContents();
    assert.deepEqual(counts, ['Rows read4', 'Rows imported0', 'Rows with errors2', 'Errors2', 'Warnings0']);

    assert.deepEqual(await markedCells(table), MARKED);
    assert.deepEqual(
      await rowCells(table),
      [
        ['Buick Skylark 320', 'eighteen', '8', '350.0', '165.0', '3693.', '11.5', '70', 'US'],
        ['Plymouth Satellite', '18.0', '8', '318.0', '150.0', '3436.', '11.0', '70', 'Mars'],
      ],
      'every cell of a bad row is shown',
    );
    const car = table.locator('tr[data-row="4"] td[data-column="Car"]');
    assert.equal(await car.textContent(), 'Buick Skylark 320');
    assert.equal(await car.getAttribute('aria-invalid'), null, 'a good cell of a bad row is not marked');
    assert.equal(await car.getAttribute('class'), null);

    const link = report.getByRole('link', { name: 'Download the rejected rows (errors.csv)' });
    assert.equal(await link.getAttribute('href'), `/imports/upload-${uploadId}/errors.csv`);
    const csv = await fetch(`${ferry.url}/imports/upload-${uploadId}/errors.csv`);
    assert.equal(csv.status, 200);
    assert.match(await csv.text(), /eighteen/);

    await mkdir(OUTPUT_DIR, { recursive: true });
    await page.screenshot({ path: path.join(OUTPUT_DIR, 'report.png'), fullPage: true });
    await page.setViewportSize({ width: 375, height: 812 });
    const widths = await page.evaluate(() => ({ page: document.documentElement.scrollWidth, viewport: window.innerWidth }));
    assert.ok(widths.page <= widths.viewport, `no horizontal scroll at 375px (page ${widths.page}px wide)`);
    await page.screenshot({ path: path.join(OUTPUT_DIR, 'report-375.png'), fullPage: true });
    await closePage(page);
  });

  it('falls back to the bad cells only when the rejected rows cannot be read', async () => {
    const page = await openPage();
    await page.route(
      (url) => url.pathname.endsWith('/rejected-rows'),
      (route) =>
        route.fulfill({
          status: 500,
          contentType: 'application/json',
          body: JSON.stringify({ error: { code: 'INTERNAL_ERROR', message: 'Internal server error.' } }),
        }),
    );
    const { report, table } = await importBadCars(page);
    assert.deepEqual(await markedCells(table), MARKED);
    assert.deepEqual(await rowCells(table), [
      ['', 'eighteen', '', '', '', '', '', '', ''],
      ['', '', '', '', '', '', '', '', 'Mars'],
    ]);
    assert.equal(await report.locator('.problem').count(), 0, 'no error message: the table is still useful');
    await closePage(page);
  });

  it('says in plain words when a file is too large, and when the server cannot be reached (then retries)', async () => {
    const page = await openPage();
    const large = await writeRandomFile('too-large.bin', MAX_SIZE + 1);
    await page.locator('#files').setInputFiles(large.path);
    const refused = page.locator('li.upload', { hasText: 'too-large.bin' });
    await refused.and(page.locator('[data-state="failed"]')).waitFor({ timeout: WAIT_MS });
    assert.equal(await refused.locator('.status').textContent(), 'This file is larger than the server accepts (max 8 MiB).');

    const small = await writeRandomFile('offline.bin', 100 * 1024);
    await page.route(
      (url) => url.pathname.startsWith('/files'),
      (route) => route.abort('connectionrefused'),
    );
    await page.locator('#files').setInputFiles(small.path);
    const item = page.locator('li.upload', { hasText: 'offline.bin' });
    await item.and(page.locator('[data-state="retrying"]')).waitFor({ timeout: WAIT_MS });
    assert.match((await item.locator('.status').textContent()) ?? '', /^The server cannot be reached; retrying (now|in \d+ s)… \(attempt \d of 5\)$/);
    await page.unrouteAll({ behavior: 'ignoreErrors' });
    const done = await settledItem(page, 'offline.bin');
    assert.equal(await serverBytesHash((await done.getAttribute('data-upload-id'))!), small.sha256);
    await closePage(page);
  });

  async function serverOffset(uploadId: string): Promise<number> {
    const response = await fetch(`${ferry.url}/files/${uploadId}`, { method: 'HEAD', headers: { 'Tus-Resumable': '1.0.0' } });
    assert.equal(response.status, 200);
    return Number(response.headers.get('upload-offset'));
  }
});

function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}
