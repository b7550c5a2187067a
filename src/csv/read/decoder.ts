import type { Encoding } from '../types.js';
import type { DecodedChunk, DecoderStep } from './decoded-chunk.js';
import { Latin1Decoder } from './latin1-decoder.js';
import { Utf8Validator } from './utf8-validator.js';
import { Utf16Decoder } from './utf16-decoder.js';

const BYTE_ORDER_MARKS: Record<Encoding, Buffer> = {
  'utf-8': Buffer.from([0xef, 0xbb, 0xbf]),
  'utf-16le': Buffer.from([0xff, 0xfe]),
  'utf-16be': Buffer.from([0xfe, 0xff]),
  latin1: Buffer.alloc(0),
};

const NOTHING: DecodedChunk = { bytes: Buffer.alloc(0), faults: [] };

/**
 * Turns the file's bytes into UTF-8 for csv-parse, chunk by chunk, and finds the bytes
 * that are invalid in the declared encoding. The encoding's BOM is removed, even when it
 * arrives one byte at a time. `latin1` is read as WHATWG reads that label (windows-1252:
 * 0x80–0x9F are € ‚ ƒ …, what "Latin-1" files from Windows hold); it has no invalid bytes.
 */
export function createDecoder(encoding: Encoding): DecoderStep {
  return new BomAwareDecoder(encoding);
}

class BomAwareDecoder implements DecoderStep {
  readonly #encoding: Encoding;
  readonly #mark: Buffer;
  /** The first bytes, kept until they show whether the file starts with the BOM. */
  #head = Buffer.alloc(0);
  #step: DecoderStep | undefined;

  constructor(encoding: Encoding) {
    this.#encoding = encoding;
    this.#mark = BYTE_ORDER_MARKS[encoding];
  }

  decode(chunk: Uint8Array): DecodedChunk {
    if (this.#step !== undefined) return this.#step.decode(chunk);
    this.#head = Buffer.concat([this.#head, chunk]);
    if (this.#head.length < this.#mark.length && this.#mark.subarray(0, this.#head.length).equals(this.#head)) return NOTHING;
    return this.#start().decode(this.#afterMark());
  }

  end(): DecodedChunk {
    if (this.#step !== undefined) return this.#step.end();
    const step = this.#start();
    const decoded = step.decode(this.#afterMark());
    const flushed = step.end();
    return { bytes: Buffer.concat([decoded.bytes, flushed.bytes]), faults: [...decoded.faults, ...flushed.faults] };
  }

  #hasMark(): boolean {
    return this.#head.length >= this.#mark.length && this.#head.subarray(0, this.#mark.length).equals(this.#mark);
  }

  #afterMark(): Buffer {
    return this.#head.subarray(this.#hasMark() ? this.#mark.length : 0);
  }

  /** The BOM question is settled: the encoding's own decoder takes over. */
  #start(): DecoderStep {
    this.#step = createStep(this.#encoding, this.#hasMark() ? this.#mark.length : 0);
    return this.#step;
  }
}

function createStep(encoding: Encoding, startOffset: number): DecoderStep {
  switch (encoding) {
    case 'utf-8':
      return new Utf8Step(startOffset);
    case 'latin1':
      return new Latin1Decoder();
    case 'utf-16le':
      return new Utf16Decoder(false, startOffset);
    case 'utf-16be':
      return new Utf16Decoder(true, startOffset);
  }
}

/** UTF-8 passes through unchanged (csv-parse turns invalid bytes into U+FFFD); the validator reports them. */
class Utf8Step implements DecoderStep {
  readonly #validator: Utf8Validator;
  readonly #startOffset: number;

  constructor(startOffset: number) {
    this.#validator = new Utf8Validator(startOffset);
    this.#startOffset = startOffset;
  }

  decode(chunk: Uint8Array): DecodedChunk {
    const bytes = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    return { bytes, faults: this.#faults(this.#validator.check(chunk)) };
  }

  end(): DecodedChunk {
    return { bytes: Buffer.alloc(0), faults: this.#faults(this.#validator.end()) };
  }

  #faults(offsets: number[]): DecodedChunk['faults'] {
    return offsets.map((byteOffset) => ({ byteOffset, decodedOffset: byteOffset - this.#startOffset }));
  }
}
