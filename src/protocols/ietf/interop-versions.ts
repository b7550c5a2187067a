import { appError } from '../../errors/catalogue.js';
import { parseIntegerItem } from './structured-fields.js';

/**
 * The draft-ietf-httpbis-resumable-upload interop versions ferry speaks:
 * - 6: drafts -04 and -05, what tus-js-client 4 sends with `protocol: 'ietf-draft-05'`;
 * - 8: drafts -09 to -11 and the editor's copy of July 2026 (httpwg/http-extensions b1b1c72),
 *   the newest interop version.
 * Interop 7 (drafts -06 to -08) is not spoken. A request is an IETF request when it carries
 * `Upload-Draft-Interop-Version`; without it, /files/ speaks tus.
 */
export const INTEROP_VERSIONS = [6, 8] as const;

export type InteropVersion = (typeof INTEROP_VERSIONS)[number];

/** Where the versions ferry speaks differ, decided once per request. */
export interface IetfDialect {
  version: InteropVersion;
  /**
   * The status of an append that leaves the upload incomplete. Draft -05: the server "MUST
   * acknowledge it by responding with a 201 (Created) status code"; from draft -06 on any
   * 2xx with `Upload-Complete: ?0`, and the examples answer 204.
   */
  incompleteAppendStatus: 201 | 204;
  /** The Upload-Limit key of the remaining lifetime: `expires` until draft -05, `max-age` since -06. */
  lifetimeLimitKey: 'expires' | 'max-age';
  /**
   * Draft -05: offset retrieval "MUST NOT include an Upload-Offset, Upload-Complete, or
   * Upload-Length header field" and cancellation no Upload-Offset or Upload-Complete; the
   * server MUST reject them with 400. Later drafts dropped the rule.
   */
  rejectsStateFields: boolean;
}

const DIALECTS: Record<InteropVersion, IetfDialect> = {
  6: { version: 6, incompleteAppendStatus: 201, lifetimeLimitKey: 'expires', rejectsStateFields: true },
  8: { version: 8, incompleteAppendStatus: 204, lifetimeLimitKey: 'max-age', rejectsStateFields: false },
};

/** The dialect an `Upload-Draft-Interop-Version` value names (an Integer item), else UPLOAD_INTEROP_VERSION_UNSUPPORTED. */
export function ietfDialect(headerValue: string): IetfDialect {
  const version = parseIntegerItem(headerValue);
  const dialect = version === undefined ? undefined : DIALECTS[version as InteropVersion];
  if (dialect === undefined) throw appError('UPLOAD_INTEROP_VERSION_UNSUPPORTED', { details: { supported: [...INTEROP_VERSIONS] } });
  return dialect;
}
