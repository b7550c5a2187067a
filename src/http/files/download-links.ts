import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { appError } from '../../errors/catalogue.js';
import { isUploadId, uploadUrl } from '../../uploads/upload-id.js';

export interface DownloadLinksOptions {
  /** The HMAC key (FERRY_LINK_SECRET); empty: a random one, so links die when the process stops. */
  secret: string;
  /** How long a link stays valid (FERRY_LINK_TTL_SECONDS). */
  ttlSeconds: number;
  /** The base of the link's URL (config.publicUrl); empty: a relative URL. */
  publicUrl: string;
  /** The clock (ms since the epoch); tests move it. */
  now?: () => number;
}

/** What POST /files/<id>/link answers. */
export interface DownloadLink {
  /** `/files/<id>?expires=<unix seconds>&signature=<base64url HMAC-SHA256>`. */
  url: string;
  /** ISO 8601. */
  expiresAt: string;
}

/**
 * Short-lived signed download links, for a browser: `<a href>` and `<video src>` cannot
 * send an Authorization header, and a long-lived token must never sit in a URL. The link
 * itself is the credential for GET /files/<id> until it expires.
 */
export interface DownloadLinks {
  mint(id: string): DownloadLink;
  /** LINK_INVALID unless `query` is a link to `id` signed with our key; LINK_EXPIRED once its time is up. */
  verify(id: string | undefined, query: URLSearchParams): void;
}

const EXPIRES = /^\d{1,12}$/;
/** 32 bytes of HMAC-SHA256 in base64url, no padding. */
const SIGNATURE = /^[A-Za-z0-9_-]{43}$/;

export function createDownloadLinks({ secret, ttlSeconds, publicUrl, now = Date.now }: DownloadLinksOptions): DownloadLinks {
  const key = secret === '' ? randomBytes(32) : Buffer.from(secret, 'utf8');
  // The signed text names what it is for, so a signature made for anything else never fits.
  const sign = (id: string, expires: string) => createHmac('sha256', key).update(`download\n${id}\n${expires}`).digest('base64url');

  return {
    mint(id) {
      const expires = String(Math.floor(now() / 1000) + ttlSeconds);
      const signature = sign(id, expires);
      return { url: `${uploadUrl(publicUrl, id)}?expires=${expires}&signature=${signature}`, expiresAt: new Date(Number(expires) * 1000).toISOString() };
    },
    verify(id, query) {
      const expires = query.get('expires') ?? '';
      const signature = query.get('signature') ?? '';
      if (!isUploadId(id) || !EXPIRES.test(expires) || !SIGNATURE.test(signature)) throw appError('LINK_INVALID');
      // Compared as text (base64url's last character has spare bits: only our spelling fits),
      // in constant time, so the signature does not leak through timing.
      if (!timingSafeEqual(Buffer.from(signature), Buffer.from(sign(id, expires)))) throw appError('LINK_INVALID');
      // Checked after the signature, so a forged expiry is invalid rather than merely expired.
      if (Number(expires) * 1000 < now()) throw appError('LINK_EXPIRED');
    },
  };
}

/**
 * Whether a request presents a signed download link: a plain GET (no method override, no
 * IETF header: those are offset retrievals) with `expires` or `signature` in its query.
 * Authentication lets such a request through without credentials; the files route then
 * verifies the link instead of calling the authorization step, and serves the download.
 */
export function isSignedLinkRequest(request: Request): boolean {
  if (request.method !== 'GET' || request.headers.has('x-http-method-override') || request.headers.has('upload-draft-interop-version')) return false;
  const { searchParams } = new URL(request.url);
  return searchParams.has('expires') || searchParams.has('signature');
}
