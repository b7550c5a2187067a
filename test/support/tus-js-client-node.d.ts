// tus-js-client's Node build exports FileUrlStorage, but its type declarations omit it.
import type { UrlStorage } from 'tus-js-client';

declare module 'tus-js-client' {
  export const FileUrlStorage: new (filePath: string) => UrlStorage;
}
