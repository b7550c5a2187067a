import type { UploadAction } from '../authorize.js';

/** Which /files resource a request names: the collection (`/files`, `/files/`) or one upload (`/files/<id>`). */
export type FilesTarget = 'collection' | 'upload';

/** What one method on one /files resource does in each protocol. */
export interface FilesRoute<TusHandler, IetfHandler> {
  tus: { action: UploadAction; handle: TusHandler };
  ietf: { action: UploadAction; handle: IetfHandler };
  /** The handler reads the request body (creation, append): it is counted, and a response sent early closes the connection. */
  readsBody: boolean;
}

export type FilesRouteTable<TusHandler, IetfHandler> = Record<FilesTarget, Readonly<Record<string, FilesRoute<TusHandler, IetfHandler>>>>;

/** The Allow header of each /files resource: the methods its table lists. */
export function allowedMethods(table: FilesRouteTable<unknown, unknown>, target: FilesTarget): string {
  return Object.keys(table[target]).join(', ');
}
