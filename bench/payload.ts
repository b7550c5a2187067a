import { randomFillSync } from 'node:crypto';
import { once } from 'node:events';
import type { Writable } from 'node:stream';

/**
 * Every upload's bytes are one endless pseudo-random stream: byte p is PATTERN[p % length].
 * The odd period (1 MiB + 4093) keeps chunk boundaries off the pattern's seams, so a byte
 * stored at the wrong offset shows up in a spot check.
 */
const PATTERN = randomFillSync(Buffer.allocUnsafe(1024 * 1024 + 4093));

/** Streams bytes [start, start + length) of the payload into `sink` (no copies), honouring backpressure, then ends it. */
export async function writePayload(sink: Writable, start: number, length: number): Promise<void> {
  let sent = 0;
  while (sent < length) {
    const at = (start + sent) % PATTERN.length;
    const size = Math.min(PATTERN.length - at, length - sent);
    sent += size;
    if (!sink.write(PATTERN.subarray(at, at + size))) await once(sink, 'drain');
  }
  sink.end();
}

/** Bytes [start, start + length) of the payload, copied out (for verification). */
export function expectedBytes(start: number, length: number): Buffer {
  const bytes = Buffer.allocUnsafe(length);
  let filled = 0;
  while (filled < length) {
    const at = (start + filled) % PATTERN.length;
    filled += PATTERN.copy(bytes, filled, at, Math.min(PATTERN.length, at + length - filled));
  }
  return bytes;
}
