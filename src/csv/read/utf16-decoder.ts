import type { DecodedChunk, DecoderStep, EncodingFault } from './decoded-chunk.js';

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const REPLACEMENT = Buffer.from('\uFFFD', 'utf8');

/**
 * UTF-16 (little or big endian) to UTF-8. A lone surrogate and an odd trailing byte are
 * encoding faults (the text gets U+FFFD). An odd byte or a high surrogate at the end of a
 * chunk is held back until the next chunk says what it is.
 */
export class Utf16Decoder implements DecoderStep {
  readonly #bigEndian: boolean;
  /** Bytes held back from the last chunk (at most 3), and the absolute offset of the first. */
  #held: Buffer = Buffer.alloc(0);
  #heldOffset: number;
  /** Absolute offset of the next output byte in the decoded stream. */
  #decodedOffset = 0;

  constructor(bigEndian: boolean, startOffset: number) {
    this.#bigEndian = bigEndian;
    this.#heldOffset = startOffset;
  }

  decode(chunk: Uint8Array): DecodedChunk {
    const input = Buffer.concat([this.#held, chunk]);
    let usable = input.length - (input.length % 2);
    const units = Buffer.from(input.subarray(0, usable));
    if (this.#bigEndian) units.swap16();
    const lastUnit = usable >= 2 ? units.readUInt16LE(usable - 2) : 0;
    if (lastUnit >= 0xd800 && lastUnit <= 0xdbff) usable -= 2;
    const textOffset = this.#heldOffset;
    this.#held = input.subarray(usable);
    this.#heldOffset += usable;
    return this.#emit(units.toString('utf16le', 0, usable), textOffset);
  }

  end(): DecodedChunk {
    const faults: EncodingFault[] = [];
    let decodedOffset = this.#decodedOffset;
    if (this.#held.length >= 2) {
      faults.push({ byteOffset: this.#heldOffset, decodedOffset });
      decodedOffset += REPLACEMENT.length;
    }
    if (this.#held.length % 2 === 1) {
      faults.push({ byteOffset: this.#heldOffset + this.#held.length - 1, decodedOffset });
    }
    this.#held = Buffer.alloc(0);
    const bytes = Buffer.concat(faults.map(() => REPLACEMENT));
    this.#decodedOffset += bytes.length;
    return { bytes, faults };
  }

  #emit(text: string, textByteOffset: number): DecodedChunk {
    const faults: EncodingFault[] = [];
    let measuredIndex = 0;
    let measuredBytes = 0;
    for (const match of text.matchAll(LONE_SURROGATE)) {
      measuredBytes += Buffer.byteLength(text.slice(measuredIndex, match.index), 'utf8');
      measuredIndex = match.index;
      faults.push({ byteOffset: textByteOffset + match.index * 2, decodedOffset: this.#decodedOffset + measuredBytes });
    }
    const bytes = Buffer.from(text, 'utf8');
    this.#decodedOffset += bytes.length;
    return { bytes, faults };
  }
}
