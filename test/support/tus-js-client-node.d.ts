// tus-js-client's Node build exports FileUrlStorage, but its type declarations omit it.
import type { UrlStorage } from 'tus-js-client';

declare module 'tus-js-client' {
  export const FileUrlStorage: new (filePath: string) => UrlStorage;

  // tus-js-client 4 takes `protocol` (lib/upload.js), but its type declarations omit it.
  interface UploadOptions {
    /** 'tus-v1' (the default), or an IETF resumable upload draft: 'ietf-draft-03' (interop 5), 'ietf-draft-05' (interop 6). */
    protocol?: 'tus-v1' | 'ietf-draft-03' | 'ietf-draft-05';
  }
}
