/**
 * The few Structured Field (RFC 9651) shapes the IETF upload headers use: Integer and
 * Boolean Items (Upload-Offset, Upload-Length, Upload-Draft-Interop-Version,
 * Upload-Complete) and a Dictionary of Integers (Upload-Limit). An Item may carry
 * parameters; none is defined for these fields, so they are checked and ignored.
 */

const PARAMETERS = String.raw`(?:;[ ]*[a-z*][a-z0-9_.*-]*(?:=(?:-?\d{1,15}(?:\.\d{1,3})?|"(?:[\x20\x21\x23-\x5b\x5d-\x7e]|\\["\\])*"|[A-Za-z*][!#$%&'*+.^_\x60|~0-9A-Za-z:/-]*|\?[01]|:[A-Za-z0-9+/=]*:))?)*`;
/** RFC 9651 4.2: leading and trailing spaces are discarded; then the bare item and its parameters. */
const NON_NEGATIVE_INTEGER_ITEM = new RegExp(String.raw`^ *(\d{1,15})${PARAMETERS} *$`);
const BOOLEAN_ITEM = new RegExp(String.raw`^ *\?([01])${PARAMETERS} *$`);

/**
 * A non-negative Integer Item, else undefined: the drafts say "Other values MUST cause the
 * entire header field to be ignored". Negative integers are not offsets or lengths.
 */
export function parseIntegerItem(value: string | null | undefined): number | undefined {
  const match = value == null ? null : NON_NEGATIVE_INTEGER_ITEM.exec(value);
  return match === null ? undefined : Number(match[1]);
}

/** A Boolean Item (`?1` or `?0`), else undefined (the field is ignored). */
export function parseBooleanItem(value: string | null | undefined): boolean | undefined {
  const match = value == null ? null : BOOLEAN_ITEM.exec(value);
  return match === null ? undefined : match[1] === '1';
}

export function serializeBoolean(value: boolean): '?1' | '?0' {
  return value ? '?1' : '?0';
}

/** A Dictionary of Integer members, e.g. `max-size=1000, max-age=3600` (keys are lowercase tokens). */
export function serializeIntegerDictionary(members: ReadonlyArray<readonly [string, number]>): string {
  return members.map(([key, value]) => `${key}=${Math.trunc(value)}`).join(', ');
}
