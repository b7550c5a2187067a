import { type TypeCodec, typeError } from './cell-result.js';
import { listWords, quoteValue } from './display-value.js';

export const DEFAULT_TRUE_VALUES: readonly string[] = ['true', 'yes', '1'];
export const DEFAULT_FALSE_VALUES: readonly string[] = ['false', 'no', '0'];

export interface BooleanCodecOptions {
  trueValues: readonly string[];
  falseValues: readonly string[];
}

/** boolean: the true and false words compare case-insensitively; encoding writes the first word of each list. */
export function createBooleanCodec({ trueValues, falseValues }: BooleanCodecOptions): TypeCodec {
  const words = new Map<string, boolean>();
  for (const word of trueValues) words.set(word.toLowerCase(), true);
  for (const word of falseValues) words.set(word.toLowerCase(), false);
  const expected = listWords([...trueValues, ...falseValues]);
  return {
    decode(raw) {
      const value = words.get(raw.toLowerCase());
      return value === undefined ? typeError(`${quoteValue(raw)} is not a yes/no value (expected one of ${expected})`) : { value };
    },
    encode(value) {
      if (typeof value !== 'boolean') return undefined;
      return value ? trueValues[0] : falseValues[0];
    },
  };
}
