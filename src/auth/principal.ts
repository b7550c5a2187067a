/** What a credential may be allowed to do (a token's `actions` claim narrows it to some of these). */
export const PRINCIPAL_ACTIONS = ['upload', 'download', 'delete', 'import', 'admin'] as const;
export type PrincipalAction = (typeof PRINCIPAL_ACTIONS)[number];

/**
 * Who a request speaks for, once authentication has run (one per request, in the hono
 * context as `principal`). With FERRY_AUTH=none every request is the anonymous principal.
 */
export interface Principal {
  /** The owner of what this request creates, and whose uploads and imports it may see; undefined when anonymous. */
  owner: string | undefined;
  /** Sees and acts on every owner's uploads and imports. */
  admin: boolean;
  /** The actions this credential may take; undefined: every action but admin. */
  actions?: ReadonlySet<PrincipalAction>;
  /** The largest upload this credential may create, in bytes; undefined: only the server's limit. */
  maxUploadSize?: number;
  /** The import schemas this credential may use; undefined: all of them. */
  schemas?: readonly string[];
}

/** The principal of every request when authentication is off: no owner, and nothing is anyone's. */
export const ANONYMOUS: Principal = Object.freeze({ owner: undefined, admin: false });
