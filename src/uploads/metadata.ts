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
 * Parses Upload-Metadata (tus 1.0.0, creation): one or more comma-separated pairs, each a
 * key (not empty, ASCII, no spaces or commas), then optionally a space and the
 * Base64-encoded value; all keys MUST be unique. Values are arbitrary bytes, so they are
 * kept as sent and also decoded as UTF-8 (lossy where they are not text) for ferry's use.
 */
export function parseUploadMetadata(header: string): UploadMetadata {
  const encoded: EncodedMetadata = {};
  const decoded: DecodedMetadata = {};
  for (const pair of header.split(',')) {
    const [key, value, ...rest] = pair.trim().split(' ');
    if (rest.length > 0 || !isMetadataKey(key) || Object.hasOwn(encoded, key)) throw invalid(`"${pair.trim()}" is not a key and a Base64 value`);
    if (value !== undefined && !CANONICAL_BASE64.test(value)) throw invalid(`the value of "${key}" is not Base64`);
    encoded[key] = value ?? null;
    decoded[key] = value === undefined ? null : Buffer.from(value, 'base64').toString('utf8');
  }
  return { encoded, decoded };
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

function isMetadataKey(key: string): boolean {
  return /^[\x21-\x2b\x2d-\x7e]+$/.test(key);
}

function invalid(reason: string) {
  return appError('UPLOAD_METADATA_INVALID', { details: { reason } });
}
