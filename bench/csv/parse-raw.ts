import { once } from 'node:events';
import { createReadStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { parse } from 'csv-parse';

/**
 * The reference: csv-parse's stream with default options (records as arrays), read with
 * its documented readable/read loop; returns the data rows (the header is not counted).
 */
export async function parseRaw(file: string, info: boolean): Promise<number> {
  const parser = parse({ info });
  let records = 0;
  parser.on('readable', () => {
    while (parser.read() !== null) records += 1;
  });
  await Promise.all([pipeline(createReadStream(file), parser), once(parser, 'end')]);
  return records - 1;
}
