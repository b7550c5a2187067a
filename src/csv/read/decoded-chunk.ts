/** Bytes that are not valid in the declared encoding, located in the file and in the decoded stream. */
export interface EncodingFault {
  /** Absolute offset in the file (BOM included) of the first byte of the invalid sequence. */
  byteOffset: number;
  /** Offset in the decoded UTF-8 stream where its replacement character lands. */
  decodedOffset: number;
}

/** A chunk turned into UTF-8 for csv-parse, with the faults found in it. */
export interface DecodedChunk {
  bytes: Buffer;
  faults: EncodingFault[];
}

/** One encoding's streaming decoder, fed after the BOM is gone. */
export interface DecoderStep {
  decode(chunk: Uint8Array): DecodedChunk;
  /** Flushes what the last chunk left unfinished. */
  end(): DecodedChunk;
}
