import { isUtf8 } from 'node:buffer';

/**
 * A streaming UTF-8 validator. It finds every invalid sequence, including one split
 * across chunks, and reports the absolute byte offset where it starts: one offset per
 * maximal invalid subpart, which is where a decoder puts one U+FFFD (WHATWG rules).
 * Clean stretches are checked by Node's native `isUtf8`; only a failing stretch is
 * walked byte by byte.
 */
export class Utf8Validator {
  /** Continuation bytes still expected by the sequence in progress. */
  #needed = 0;
  /** Bounds of the next continuation byte (tighter after E0, ED, F0, F4). */
  #lower = 0x80;
  #upper = 0xbf;
  /** Absolute offset of the sequence in progress. */
  #sequenceStart = 0;
  /** Absolute offset of the next byte to check. */
  #offset: number;

  constructor(startOffset = 0) {
    this.#offset = startOffset;
  }

  /** Checks the next chunk; returns the offsets of the invalid sequences it completes. */
  check(chunk: Uint8Array): number[] {
    const invalid: number[] = [];
    const base = this.#offset;
    let index = 0;
    while (this.#needed > 0 && index < chunk.length) {
      this.#step(chunk[index], base + index, invalid);
      index += 1;
    }
    const tail = incompleteTailStart(chunk, index);
    if (index < tail && isUtf8(chunk.subarray(index, tail))) index = tail;
    for (; index < chunk.length; index += 1) this.#step(chunk[index], base + index, invalid);
    this.#offset = base + chunk.length;
    return invalid;
  }

  /** At the end of input: the offset of a sequence cut short, if any. */
  end(): number[] {
    if (this.#needed === 0) return [];
    this.#needed = 0;
    return [this.#sequenceStart];
  }

  #step(byte: number, offset: number, invalid: number[]): void {
    if (this.#needed > 0) {
      if (byte >= this.#lower && byte <= this.#upper) {
        this.#needed -= 1;
        this.#lower = 0x80;
        this.#upper = 0xbf;
        return;
      }
      // The sequence breaks off here: it is one invalid subpart, and this byte starts afresh.
      invalid.push(this.#sequenceStart);
      this.#needed = 0;
      this.#lower = 0x80;
      this.#upper = 0xbf;
    }
    if (byte < 0x80) return;
    if (byte >= 0xc2 && byte <= 0xdf) this.#needed = 1;
    else if (byte >= 0xe0 && byte <= 0xef) {
      this.#needed = 2;
      if (byte === 0xe0) this.#lower = 0xa0;
      if (byte === 0xed) this.#upper = 0x9f;
    } else if (byte >= 0xf0 && byte <= 0xf4) {
      this.#needed = 3;
      if (byte === 0xf0) this.#lower = 0x90;
      if (byte === 0xf4) this.#upper = 0x8f;
    } else {
      invalid.push(offset);
      return;
    }
    this.#sequenceStart = offset;
  }
}

/** Where a multi-byte sequence that the chunk cuts short begins (the chunk's length if none). */
function incompleteTailStart(chunk: Uint8Array, from: number): number {
  const length = chunk.length;
  for (let back = 1; back <= 3 && length - back >= from; back += 1) {
    const byte = chunk[length - back];
    if (byte < 0x80) return length;
    if (byte >= 0xc0) return sequenceLength(byte) > back ? length - back : length;
  }
  return length;
}

function sequenceLength(lead: number): number {
  if (lead >= 0xf0) return 4;
  if (lead >= 0xe0) return 3;
  return 2;
}
