import { type TypeCodec, typeError } from './cell-result.js';
import { quoteValue } from './display-value.js';

/** An optional sign and decimal digits only: no `0x10`, no `1e3`, no `12.0`, no blanks. */
const INTEGER = /^[+-]?\d+$/;

/** The range every sink stores (SQLite INTEGER, PostgreSQL bigint): signed 64 bits. */
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/**
 * integer: a JS number while it is a safe integer (|n| ≤ 2^53−1), a bigint beyond that,
 * so no digit is ever rounded away; beyond 64 bits it is a type-error on its row, since
 * no database column would hold it. `-0` reads as 0.
 */
export function createIntegerCodec(): TypeCodec {
  return {
    decode(raw) {
      if (!INTEGER.test(raw)) return typeError(`${quoteValue(raw)} is not a whole number`);
      const value = Number(raw);
      if (Number.isSafeInteger(value)) return { value: value === 0 ? 0 : value };
      const big = BigInt(raw);
      if (big < INT64_MIN || big > INT64_MAX) return typeError(`${quoteValue(raw)} is outside the 64-bit integer range`);
      return { value: big };
    },
    encode(value) {
      if (typeof value === 'bigint') return value.toString();
      if (typeof value === 'number' && Number.isInteger(value)) return BigInt(value).toString();
      return undefined;
    },
  };
}
