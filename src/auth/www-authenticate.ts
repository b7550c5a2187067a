import type { AppError } from '../errors/app-error.js';

const REALM = 'ferry';

/**
 * The WWW-Authenticate challenge of an authentication or authorization error (RFC 6750,
 * section 3), or undefined for any other error. A request without a credential gets the bare
 * challenge (no error code); a bad token `invalid_token`; a token that does not allow the
 * action `insufficient_scope`. The description is the error's message, which never quotes
 * the token.
 */
export function wwwAuthenticateOf(error: AppError): string | undefined {
  switch (error.code) {
    case 'AUTH_REQUIRED':
      return `Bearer realm="${REALM}"`;
    case 'AUTH_INVALID':
    case 'AUTH_EXPIRED':
      return `Bearer realm="${REALM}", error="invalid_token", error_description="${quoted(error.message)}"`;
    case 'AUTH_FORBIDDEN':
    case 'AUTH_SCHEMA_FORBIDDEN':
      return `Bearer realm="${REALM}", error="insufficient_scope", error_description="${quoted(error.message)}"`;
    default:
      return undefined;
  }
}

/** error_description is a quoted string of printable ASCII without `"` or `\` (RFC 6750, section 3). */
function quoted(text: string): string {
  return text.replace(/[^\x20-\x7e]|["\\]/g, "'");
}
