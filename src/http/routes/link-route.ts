import type { Principal } from '../../auth/principal.js';
import { appError } from '../../errors/catalogue.js';
import { readVisibleUpload } from '../../uploads/ownership.js';
import { isFinished, type Upload } from '../../uploads/upload.js';
import { isUploadId } from '../../uploads/upload-id.js';
import type { DownloadLinks } from '../files/download-links.js';

export interface LinkRouteOptions {
  store: { readUpload(id: string): Promise<Upload> };
  links: DownloadLinks;
}

/**
 * POST /files/<id>/link: a short-lived signed download link to a finished upload, for a
 * browser (`<a href>`, `<video src>`). It passed the authorization step as a download; the
 * owner check makes another owner's upload 404, exactly as a missing one.
 */
export function createLinkRoute({ store, links }: LinkRouteOptions) {
  return async function linkRoute(id: string | undefined, principal: Principal): Promise<Response> {
    if (!isUploadId(id)) throw appError('UPLOAD_NOT_FOUND');
    const upload = await readVisibleUpload(store, id, principal);
    if (!isFinished(upload)) throw appError('UPLOAD_NOT_FINISHED');
    // A link is a credential: no cache keeps it.
    return Response.json(links.mint(id), { headers: { 'Cache-Control': 'no-store' } });
  };
}

/** The signed-link handler: POST /files/<id>/link. */
export type LinkRoute = ReturnType<typeof createLinkRoute>;
