import { appError } from '../errors/catalogue.js';

/** Upload-Metadata as the client sent it: each key with its Base64 value (null: a key without a value). */
export type EncodedMetadata = Record<string, string | null>;

/** Upload-Metadata decoded as UTF-8 text, for ferry's own use (filename, filetype, schema, mode). */
export type DecodedMetadata = Record<string, string | null>;

export interface UploadMetadata {
  /** Kept byte-exact: HEAD returns these values as they came, whatever bytes they encode. */
  encoded: EncodedMetadata;
  decoded: DecodedMetadata;
}

const CANONICAL_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * The most keys an Upload-Metadata header may hold. The spec sets no limit, nor do tusd and
 * @tus/server (only the request header size bounds them: 16 KiB in Node, 1 MiB in Go), but
 * each key is stored in `<id>.json` and returned by every HEAD. Real clients send a handful
 * (tus-js-client and Uppy: filename, filetype, name, type, relativePath and the app's own
 * fields); 100 leaves room for generous forms.
 */
export const MAX_METADATA_KEYS = 100;

/** A key: not empty, ASCII, no spaces or commas (the spec), nor control characters. */
const METADATA_KEY = /^[\x21-\x2b\x2d-\x7e]+$/;

/**
 * Parses Upload-Metadata (tus 1.0.0, creation): one or more comma-separated pairs. "The key
 * and value MUST be separated by a space. The key MUST NOT contain spaces and commas and
 * MUST NOT be empty. […] All keys MUST be unique. The value MUST be Base64 encoded." So a
 * pair is a key alone, or a key, one space and the Base64 value, nothing around them: in
 * `filename YQ==, YQ==` the second pair is an empty key and a value, which is refused (it
 * is not a key `YQ==`). At most MAX_METADATA_KEYS pairs. Values are arbitrary bytes, so
 * they are kept as sent and also decoded as UTF-8 (lossy where they are not text) for
 * ferry's use.
 */
export function parseUploadMetadata(header: string): UploadMetadata {
  const pairs = header.split(',');
  if (pairs.length > MAX_METADATA_KEYS) throw invalid(`it has ${pairs.length} keys; at most ${MAX_METADATA_KEYS} are accepted`);
  // A Map while parsing: a key such as `__proto__` stays an ordinary key.
  const encoded = new Map<string, string | null>();
  for (const pair of pairs) {
    const [key, value, ...rest] = pair.split(' ');
    if (key === '') throw invalid(`"${pair}" has an empty key`);
    if (rest.length > 0 || !METADATA_KEY.test(key)) throw invalid(`"${pair}" is not a key and a Base64 value separated by one space`);
    if (encoded.has(key)) throw invalid(`the key "${key}" is repeated`);
    if (value !== undefined && !CANONICAL_BASE64.test(value)) throw invalid(`the value of "${key}" is not Base64`);
    encoded.set(key, value ?? null);
  }
  const decoded = [...encoded].map(([key, value]) => [key, value === null ? null : Buffer.from(value, 'base64').toString('utf8')] as const);
  return { encoded: Object.fromEntries(encoded), decoded: Object.fromEntries(decoded) };
}

/** The Upload-Metadata header of `encoded`, pairs in the order they were given. */
export function formatUploadMetadata(encoded: EncodedMetadata): string {
  return Object.entries(encoded)
    .map(([key, value]) => (value === null ? key : `${key} ${value}`))
    .join(',');
}

/** The encoded form of text metadata (uploads stored before the encoded form was kept). */
export function encodeMetadata(decoded: DecodedMetadata): EncodedMetadata {
  const encoded: EncodedMetadata = {};
  for (const [key, value] of Object.entries(decoded)) encoded[key] = value === null ? null : Buffer.from(value, 'utf8').toString('base64');
  return encoded;
}

function invalid(reason: string) {
  return appError('UPLOAD_METADATA_INVALID', { message: `Upload-Metadata is malformed: ${reason}.`, details: { reason } });
}
