import type { Upload } from '@tus/utils';

/**
 * The protocol an upload was created with: tus 1.0.0, or IETF "Resumable Uploads for HTTP"
 * (src/ietf/). The two differ in how an upload completes and what their headers mean, so
 * an upload is resumed only with the protocol that created it.
 */
export type UploadProtocol = 'tus' | 'ietf';

/**
 * An Upload that carries its protocol. @tus/utils' Upload has no such field, so it rides
 * along as an own property; absent means tus, which every upload made before IETF support
 * (and every upload @tus/server itself builds) is.
 */
type UploadWithProtocol = Upload & { protocol?: 'ietf' };

export function uploadProtocol(upload: Upload): UploadProtocol {
  return (upload as UploadWithProtocol).protocol ?? 'tus';
}

/** Marks `upload` as created with `protocol` (before `store.create`, which records it in `<id>.json`). */
export function setUploadProtocol(upload: Upload, protocol: UploadProtocol): void {
  if (protocol === 'ietf') (upload as UploadWithProtocol).protocol = 'ietf';
  else delete (upload as UploadWithProtocol).protocol;
}
