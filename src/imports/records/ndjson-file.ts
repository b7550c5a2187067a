import { once } from 'node:events';
import { createReadStream, createWriteStream } from 'node:fs';

/** Appends one JSON value per line; `write` waits while the stream's buffer is full. */
export interface NdjsonWriter {
  write(value: unknown): Promise<void>;
  /** Ends the file and waits until it is written and closed. */
  close(): Promise<void>;
}

/** A fresh file at `file` (an old one is replaced). */
export function createNdjsonWriter(file: string): NdjsonWriter {
  const stream = createWriteStream(file, { flags: 'w' });
  let failure: Error | undefined;
  stream.on('error', (error) => {
    failure = error;
  });
  return {
    async write(value) {
      if (failure !== undefined) throw failure;
      if (!stream.write(`${JSON.stringify(value)}\n`)) await Promise.race([once(stream, 'drain'), once(stream, 'close')]);
      if (failure !== undefined) throw failure;
    },
    async close() {
      if (!stream.closed) {
        stream.end();
        await once(stream, 'close');
      }
      if (failure !== undefined) throw failure;
    },
  };
}

/**
 * The values of an NDJSON file, in order, read as a stream. Only complete lines count: a
 * file still being written may end in half a line. A missing file has no values.
 */
export async function* readNdjson<T>(file: string): AsyncGenerator<T> {
  const stream = createReadStream(file, { encoding: 'utf8' });
  let rest = '';
  try {
    for await (const chunk of stream as AsyncIterable<string>) {
      const lines = (rest + chunk).split('\n');
      rest = lines.pop() ?? '';
      for (const line of lines) if (line !== '') yield JSON.parse(line) as T;
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  } finally {
    stream.destroy();
  }
}
