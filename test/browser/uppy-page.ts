import { build } from 'esbuild';
import type { Browser, Page } from 'playwright-core';

/** What the page's upload reports: the uploads' URLs and, for each file that failed, its error. */
export interface UppyResult {
  urls: string[];
  failures: string[];
}

/** The same bytes in the page and here: byte i of a multiplicative hash of i. */
export function patternByte(index: number): number {
  return (Math.imul(index, 2654435761) >>> 24) & 0xff;
}

/** `size` bytes of patternByte, as the page uploads them. */
export function patternBytes(size: number): Buffer {
  const bytes = Buffer.alloc(size);
  for (let index = 0; index < size; index += 1) bytes[index] = patternByte(index);
  return bytes;
}

/**
 * The page under test: Uppy with its tus plugin, in the browser it is made for, uploading one
 * file in `parallelUploads` parts (tus concatenation: partial uploads, then a final); a
 * token goes in the plugin's `headers` option.
 */
const UPPY_PAGE = `
import Uppy from '@uppy/core';
import Tus from '@uppy/tus';
${patternByte.toString()}
globalThis.uploadWithUppy = async (endpoint, size, parallelUploads, token, retryDelays) => {
  const bytes = new Uint8Array(size);
  for (let index = 0; index < size; index += 1) bytes[index] = patternByte(index);
  const uppy = new Uppy();
  const headers = token === null ? {} : { Authorization: 'Bearer ' + token };
  uppy.use(Tus, { endpoint, parallelUploads, retryDelays, headers });
  uppy.addFile({ name: 'parts.bin', type: 'application/octet-stream', data: new Blob([bytes]) });
  const result = await uppy.upload();
  return {
    urls: (result?.successful ?? []).map((file) => file.uploadURL ?? file.response?.uploadURL),
    failures: (result?.failed ?? []).map((file) => String(file.error)),
  };
};
`;

/** A new page at ferry's origin (so /files/ is same-origin), served without being one of ferry's routes. */
export async function openUppyPage(browser: Browser, ferryUrl: string): Promise<Page> {
  const bundle = await build({
    stdin: { contents: UPPY_PAGE, resolveDir: import.meta.dirname, loader: 'js' },
    bundle: true,
    format: 'iife',
    platform: 'browser',
    write: false,
    logLevel: 'warning',
  });
  const page = await browser.newPage();
  await page.route(`${ferryUrl}/uppy-test`, (route) =>
    route.fulfill({ contentType: 'text/html', body: `<!doctype html><meta charset="utf-8"><script>${bundle.outputFiles[0].text}</script>` }),
  );
  await page.goto(`${ferryUrl}/uppy-test`);
  return page;
}

export interface UppyUpload {
  size: number;
  parts: number;
  token?: string;
  retryDelays: number[];
}

/** Uploads `size` bytes of patternByte to /files/ from the page. */
export function uploadWithUppy(page: Page, { size, parts, token, retryDelays }: UppyUpload): Promise<UppyResult> {
  type Upload = (endpoint: string, size: number, parts: number, token: string | null, retryDelays: number[]) => Promise<UppyResult>;
  return page.evaluate(
    ([bytes, count, bearer, delays]) => (globalThis as unknown as { uploadWithUppy: Upload }).uploadWithUppy('/files/', bytes, count, bearer, delays),
    [size, parts, token ?? null, retryDelays] as const,
  );
}
