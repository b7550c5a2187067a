import type { Upload } from '../../uploads/upload.js';

/** RFC 9110 media type: type "/" subtype, then `; name=value` parameters (token or quoted string). */
const TOKEN = "[!#$%&'*+.^_`|~0-9A-Za-z-]+";
const MEDIA_TYPE = new RegExp(`^${TOKEN}/${TOKEN}(?:[ \\t]*;[ \\t]*${TOKEN}=(?:${TOKEN}|"(?:[\\t\\x20\\x21\\x23-\\x5b\\x5d-\\x7e]|\\\\[\\t\\x20-\\x7e])*"))*$`);

/** Characters RFC 5987 lets through unencoded in `filename*` (attr-char). */
const ATTR_CHAR = /[A-Za-z0-9!#$&+\-.^_`|~]/;

export interface DownloadHeaders {
  contentType: string;
  contentDisposition: string;
}

/**
 * Content-Type and Content-Disposition for a finished upload, from its metadata
 * (`filetype`/`type`, `filename`/`name`). Only a well-formed media type is used, and only
 * types a browser can show without running anything are `inline`.
 */
export function downloadHeaders(upload: Upload): DownloadHeaders {
  const metadata = upload.metadata ?? {};
  const declaredType = metadata.filetype ?? metadata.type ?? undefined;
  const contentType = declaredType && declaredType.length <= 255 && MEDIA_TYPE.test(declaredType) ? declaredType : 'application/octet-stream';
  const disposition = isSafeInline(contentType) ? 'inline' : 'attachment';
  const filename = metadata.filename ?? metadata.name ?? undefined;
  return { contentType, contentDisposition: filename ? `${disposition}; ${filenameParameters(filename)}` : disposition };
}

function isSafeInline(contentType: string): boolean {
  const essence = contentType.split(';', 1)[0].trim().toLowerCase();
  if (essence === 'image/svg+xml') return false;
  return /^(?:image|video|audio)\//.test(essence) || essence === 'text/plain' || essence === 'application/pdf';
}

/**
 * `filename="<ASCII fallback>"; filename*=UTF-8''<percent-encoded name>`. Control characters
 * are dropped and path separators replaced first; the fallback replaces anything outside
 * printable ASCII, quotes and backslashes with `_`. Never throws (lone surrogates become U+FFFD).
 */
function filenameParameters(filename: string): string {
  const name =
    filename
      .replace(/[\u0000-\u001f\u007f]/g, '')
      .replace(/[/\\]/g, '_')
      .trim() || 'download';
  const fallback = name.replace(/[^\x20-\x7e]|["\\]/g, '_');
  let encoded = '';
  for (const byte of Buffer.from(name, 'utf8')) {
    const char = String.fromCharCode(byte);
    encoded += byte < 0x80 && ATTR_CHAR.test(char) ? char : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return `filename="${fallback}"; filename*=UTF-8''${encoded}`;
}
