import type { Context } from 'hono';
import type { Principal } from '../../auth/principal.js';
import { appError } from '../../errors/catalogue.js';
import type { Download } from '../../store/types.js';
import { readVisibleUpload } from '../../uploads/ownership.js';
import { isFinished, type Upload } from '../../uploads/upload.js';
import { isUploadId } from '../../uploads/upload-id.js';
import type { AppEnv } from '../context.js';
import { errorResponse } from '../error-response.js';
import { type ByteRange, parseByteRange } from './byte-range.js';
import { downloadHeaders } from './download-headers.js';

/** What the download route needs of the store. */
export interface DownloadStore {
  readUpload(id: string): Promise<Upload>;
  openDownload(id: string, range?: ByteRange): Promise<Download>;
}

/** Who asks for a download: a principal (its owner check applies), or the holder of a verified signed link. */
export interface DownloadAccess {
  principal: Principal;
  /** The request carried a signed link, verified by the files route: the link, minted by an owner, stands for them. */
  linkVerified: boolean;
}

/**
 * GET /files/:id: the bytes of a finished upload, whole or one range. The body is the
 * store's pull-based stream; a client that goes away cancels it, which closes the file.
 * Another owner's upload is 404, exactly as a missing one.
 */
export function createDownloadRoute(store: DownloadStore) {
  return async function downloadRoute(c: Context<AppEnv>, id: string | undefined, { principal, linkVerified }: DownloadAccess): Promise<Response> {
    if (!isUploadId(id)) throw appError('UPLOAD_NOT_FOUND');
    const upload = linkVerified ? await store.readUpload(id) : await readVisibleUpload(store, id, principal);
    if (!isFinished(upload)) throw appError('UPLOAD_NOT_FINISHED');
    const size = upload.size!;
    // A Range sent with If-Range is served whole: there are no validators to compare it with.
    const range = c.req.header('if-range') === undefined ? parseByteRange(c.req.header('range'), size) : undefined;
    if (range === 'unsatisfiable') {
      return errorResponse(appError('HTTP_RANGE_NOT_SATISFIABLE', { details: { size } }), { 'Content-Range': `bytes */${size}` });
    }
    const download = await store.openDownload(id, range);
    const { contentType, contentDisposition } = downloadHeaders(download.upload);
    const headers: Record<string, string> = {
      'Accept-Ranges': 'bytes',
      'Content-Type': contentType,
      'Content-Disposition': contentDisposition,
      'Content-Length': String(download.end - download.start + 1),
      'X-Content-Type-Options': 'nosniff',
      'Cache-Control': 'private, no-cache',
    };
    if (range !== undefined) headers['Content-Range'] = `bytes ${download.start}-${download.end}/${download.size}`;
    return new Response(download.stream, { status: range === undefined ? 200 : 206, headers });
  };
}

/** The download handler: GET /files/<id> of a finished upload (tus). */
export type DownloadRoute = ReturnType<typeof createDownloadRoute>;
