import type { TypeCodec } from './cell-result.js';

/** string and enum: the raw cell is the value (an enum's allowed values are a constraint). */
export function createStringCodec(): TypeCodec {
  return {
    decode: (raw) => ({ value: raw }),
    encode: (value) => (typeof value === 'string' ? value : undefined),
  };
}
