import { authorizationHeaders } from './session-token.js';
import type { ErrorBody, ImportState, RejectedRowPage, ReportPage, SchemaDescription, SchemaSummary } from './types.js';

/** A non-2xx answer from ferry's JSON API, with the server's code and message. */
export class ApiError extends Error {
  override readonly name = 'ApiError';

  constructor(
    readonly status: number,
    readonly code: string | undefined,
    message: string,
  ) {
    super(message);
  }
}

/** The `error.message` of a ferry error body, if `text` is one. */
export function serverMessageOf(text: string | undefined): string | undefined {
  if (text === undefined || text === '') return undefined;
  try {
    const body = JSON.parse(text) as Partial<ErrorBody> | null;
    const message = body?.error?.message;
    return typeof message === 'string' && message !== '' ? message : undefined;
  } catch {
    return undefined;
  }
}

/** What a 401 means to the person at the page, whichever request got it. */
export const SIGN_IN_MESSAGE = 'Sign in: your token is missing or expired. Paste a valid token under “Your token”.';

async function getJson<T>(url: string, init: RequestInit = {}): Promise<T> {
  const response = await fetch(url, { ...init, headers: { Accept: 'application/json', ...authorizationHeaders() } });
  const text = await response.text();
  if (!response.ok) {
    let code: string | undefined;
    try {
      code = (JSON.parse(text) as Partial<ErrorBody>).error?.code;
    } catch {
      code = undefined;
    }
    const message = response.status === 401 ? SIGN_IN_MESSAGE : (serverMessageOf(text) ?? `The server answered ${response.status}.`);
    throw new ApiError(response.status, code, message);
  }
  return JSON.parse(text) as T;
}

export async function fetchSchemas(): Promise<SchemaSummary[]> {
  return (await getJson<{ schemas: SchemaSummary[] }>('/schemas')).schemas;
}

export function fetchSchema(name: string): Promise<SchemaDescription> {
  return getJson<SchemaDescription>(`/schemas/${encodeURIComponent(name)}`);
}

/** The server's Tus-Max-Size (from OPTIONS on the tus endpoint), or undefined when it sets none. */
export async function fetchMaxSize(endpoint: string): Promise<number | undefined> {
  const response = await fetch(endpoint, { method: 'OPTIONS' });
  const header = response.headers.get('Tus-Max-Size');
  const value = header === null ? NaN : Number(header);
  return Number.isSafeInteger(value) && value > 0 ? value : undefined;
}

/** The automatic import of an upload that had `schema` metadata. */
export function importIdOf(uploadId: string): string {
  return `upload-${uploadId}`;
}

export function importPath(importId: string): string {
  return `/imports/${encodeURIComponent(importId)}`;
}

/** The import's state, or undefined while it does not exist yet (404). */
export async function fetchImport(importId: string): Promise<ImportState | undefined> {
  try {
    return await getJson<ImportState>(importPath(importId));
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return undefined;
    throw error;
  }
}

/** The first `limit` report entries (errors and warnings, in file order). */
export function fetchReport(importId: string, limit = 100): Promise<ReportPage> {
  return getJson<ReportPage>(`${importPath(importId)}/errors?limit=${limit}`);
}

/** The first `limit` rejected rows, whole, with the file's header. */
export function fetchRejectedRows(importId: string, limit = 100): Promise<RejectedRowPage> {
  return getJson<RejectedRowPage>(`${importPath(importId)}/rejected-rows?limit=${limit}`);
}

/** A signed download link: a URL that serves the upload for a few minutes without any header. */
export interface DownloadLink {
  url: string;
  expiresAt: string;
}

/**
 * Asks for a signed link to download an upload (POST /files/<id>/link, with the token): a
 * plain <a href> or a navigation cannot carry the Authorization header, the link needs none.
 */
export function requestDownloadLink(uploadId: string): Promise<DownloadLink> {
  return getJson<DownloadLink>(`/files/${encodeURIComponent(uploadId)}/link`, { method: 'POST', cache: 'no-store' });
}

/** A file of the page's API (such as errors.csv), fetched with the token, as a Blob. */
export async function fetchBlob(url: string): Promise<Blob> {
  const response = await fetch(url, { headers: authorizationHeaders() });
  if (!response.ok) {
    const message = response.status === 401 ? SIGN_IN_MESSAGE : (serverMessageOf(await response.text()) ?? `The server answered ${response.status}.`);
    throw new ApiError(response.status, undefined, message);
  }
  return response.blob();
}
