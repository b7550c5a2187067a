/**
 * Entries `offset + 1` to `offset + limit` of `entries`, in order. Reading stops once the
 * page is full, which ends (and closes) the source; a limit of 0 reads nothing.
 */
export async function readPage<T>(entries: AsyncIterable<T>, { offset, limit }: { offset: number; limit: number }): Promise<T[]> {
  const page: T[] = [];
  if (limit <= 0) return page;
  let index = 0;
  for await (const entry of entries) {
    index += 1;
    if (index <= offset) continue;
    page.push(entry);
    if (page.length >= limit) break;
  }
  return page;
}
