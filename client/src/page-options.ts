/** The page's upload settings, some read from its URL. */

/** Waits between attempts after a network or server error; then the upload fails and Resume tries again. */
export const RETRY_DELAYS: readonly number[] = [0, 1000, 3000, 5000, 10000];

const MIN_CHUNK_SIZE = 1024;

/**
 * `?chunkSize=<bytes>` sends the file in PATCHes of that size (at least 1024); without it,
 * the rest of the file goes in one request. Small chunks put progress on the server often
 * (the browser test uses them to reload mid-upload); one request is fastest.
 */
export function chunkSizeFrom(search: string): number {
  const raw = new URLSearchParams(search).get('chunkSize');
  const value = raw === null || !/^\d{1,16}$/.test(raw) ? NaN : Number(raw);
  return Number.isSafeInteger(value) && value >= MIN_CHUNK_SIZE ? value : Infinity;
}
