import { isAppError } from '../../errors/app-error.js';
import { appError } from '../../errors/catalogue.js';
import { type FinalConcat, isFinished, type Upload, type UploadConcat } from '../../uploads/upload.js';
import { UPLOADS_PATH, uploadIdFromPath } from '../../uploads/upload-id.js';
import type { UploadStore } from '../../uploads/upload-store.js';

/** What concatenation needs of the store. */
export type ConcatStore = Pick<UploadStore, 'readUpload'>;

const FINAL_PREFIX = 'final;';

/** Where this server's upload URLs live, as a client names them in Upload-Concat. */
interface ServerLocation {
  /** FERRY_PUBLIC_URL's origin; else undefined, and `host` is the request's Host. */
  origin: string | undefined;
  host: string | null;
  /** FERRY_PUBLIC_URL's path ('' for none), in front of the tus path. */
  basePath: string;
}

/**
 * Upload-Concat of a creation request (concatenation extension): absent, `partial`, or
 * `final;` and the space-separated URLs of the partial uploads, absolute or relative. Only
 * URLs of this server name an upload: a relative one with the tus path; an absolute one
 * under FERRY_PUBLIC_URL when it is set, else whose host is the request's Host (the
 * address the client reached us at). Anything else is UPLOAD_CONCAT_INVALID.
 */
export function readUploadConcat(headers: Headers, publicUrl: string): UploadConcat | undefined {
  const header = headers.get('upload-concat');
  if (header === null) return undefined;
  if (header === 'partial') return { kind: 'partial' };
  if (!header.startsWith(FINAL_PREFIX)) throw appError('UPLOAD_CONCAT_INVALID');
  // The partial uploads URLs MAY be absolute or relative and MUST NOT contain spaces.
  const urls = header
    .slice(FINAL_PREFIX.length)
    .split(' ')
    .filter((url) => url !== '');
  if (urls.length === 0) throw appError('UPLOAD_CONCAT_INVALID');
  const location = serverLocation(publicUrl, headers.get('host'));
  const partIds = urls.map((url) => {
    const id = uploadIdOfUrl(url, location);
    if (id === undefined) throw appError('UPLOAD_CONCAT_INVALID', { details: { url } });
    return id;
  });
  return { kind: 'final', partIds, header };
}

/**
 * The length of a final upload made of `concat`'s partial uploads: the sum of theirs, or
 * undefined while one's length is deferred. Each must exist and have the final's `owner`
 * (else UPLOAD_CONCAT_PART_NOT_FOUND, 404 as tusd answers: another owner's partial is
 * answered exactly as a missing one, an admin's final included) and be a partial upload
 * (else UPLOAD_CONCAT_NOT_PARTIAL); one named twice counts twice.
 */
export async function lengthOfFinal(store: ConcatStore, { partIds }: FinalConcat, owner: string | undefined): Promise<number | undefined> {
  const distinct = [...new Set(partIds)];
  const sizes = new Map(await Promise.all(distinct.map(async (id) => [id, await partialSize(store, id, owner)] as const)));
  let length = 0;
  for (const id of partIds) {
    const size = sizes.get(id);
    if (size === undefined) return undefined;
    length += size;
  }
  return length;
}

/**
 * HEAD on a partial or final upload (concatenation): the core headers, adjusted. The
 * response MUST include Upload-Concat as received on creation. A final's Upload-Offset is
 * left out until it is assembled (SHOULD NOT before; undefined anyway), and its
 * Upload-Length MUST be included whenever the sum can be calculated.
 */
export async function addConcatHeaders(headers: Record<string, string>, upload: Upload, concat: UploadConcat, store: ConcatStore): Promise<void> {
  if (concat.kind === 'partial') {
    headers['Upload-Concat'] = 'partial';
    return;
  }
  headers['Upload-Concat'] = concat.header;
  delete headers['Upload-Defer-Length'];
  if (!isFinished(upload)) delete headers['Upload-Offset'];
  const length = upload.size ?? (await lengthOfFinal(store, concat, upload.owner));
  if (length !== undefined) headers['Upload-Length'] = String(length);
}

async function partialSize(store: ConcatStore, id: string, owner: string | undefined): Promise<number | undefined> {
  const notFound = () => appError('UPLOAD_CONCAT_PART_NOT_FOUND', { details: { uploadId: id } });
  let upload: Upload;
  try {
    upload = await store.readUpload(id);
  } catch (error) {
    if (isAppError(error, 'UPLOAD_NOT_FOUND')) throw notFound();
    throw error;
  }
  // Every partial of a final must be the final's owner's: a final holds one owner's bytes.
  if (upload.owner !== owner) throw notFound();
  if (upload.concat?.kind !== 'partial') throw appError('UPLOAD_CONCAT_NOT_PARTIAL', { details: { uploadId: id } });
  return upload.size;
}

function serverLocation(publicUrl: string, host: string | null): ServerLocation {
  if (publicUrl === '') return { origin: undefined, host, basePath: '' };
  const url = new URL(publicUrl);
  return { origin: url.origin, host: null, basePath: url.pathname.replace(/\/$/, '') };
}

/** The upload id a partial upload's URL names on this server, else undefined. */
function uploadIdOfUrl(reference: string, { origin, host, basePath }: ServerLocation): string | undefined {
  if (reference.startsWith('/') && !reference.startsWith('//')) {
    return uploadIdFromPath(reference, basePath + UPLOADS_PATH) ?? uploadIdFromPath(reference, UPLOADS_PATH);
  }
  let url: URL;
  try {
    url = new URL(reference);
  } catch {
    return undefined;
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.search !== '' || url.hash !== '' || url.username !== '' || url.password !== '') {
    return undefined;
  }
  const onThisServer = origin !== undefined ? url.origin === origin : host !== null && url.host === normalisedHost(url.protocol, host);
  return onThisServer ? uploadIdFromPath(url.pathname, basePath + UPLOADS_PATH) : undefined;
}

/** The Host header as URL.host spells it (lower case, no default port), or '' if it is no host. */
function normalisedHost(protocol: string, host: string): string {
  try {
    return new URL(`${protocol}//${host}`).host;
  } catch {
    return '';
  }
}
