import type { DecodedChunk, DecoderStep } from './decoded-chunk.js';

/**
 * 0x80–0x9F in windows-1252, which is what WHATWG (and every browser) means by "latin1":
 * the bytes Windows puts in "Latin-1" files for € ‚ ƒ „ … and curly quotes. The five bytes
 * that windows-1252 leaves undefined stay C1 controls, as in WHATWG's index.
 */
const WINDOWS_1252_HIGH =
  '\u20AC\u0081\u201A\u0192\u201E\u2026\u2020\u2021\u02C6\u2030\u0160\u2039\u0152\u008D\u017D\u008F\u0090\u2018\u2019\u201C\u201D\u2022\u2013\u2014\u02DC\u2122\u0161\u203A\u0153\u009D\u017E\u0178';
const C1_RANGE = /[\u0080-\u009F]/g;

/**
 * Latin-1 to UTF-8, every byte being one character, so there is nothing invalid and nothing
 * to carry between chunks. Node 20's TextDecoder maps 'latin1' and 'windows-1252' to
 * ISO-8859-1, hence the table.
 */
export class Latin1Decoder implements DecoderStep {
  decode(chunk: Uint8Array): DecodedChunk {
    const text = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength).toString('latin1');
    return {
      bytes: Buffer.from(
        text.replace(C1_RANGE, (character) => WINDOWS_1252_HIGH[character.charCodeAt(0) - 0x80]),
        'utf8',
      ),
      faults: [],
    };
  }

  end(): DecodedChunk {
    return { bytes: Buffer.alloc(0), faults: [] };
  }
}
