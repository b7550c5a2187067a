/**
 * Table and column names go into SQL, so they are plain identifiers: a letter or _,
 * then letters, digits or _, 63 characters at most (PostgreSQL's limit). Sinks still
 * quote them. A header text that is no identifier (`Model Year`) goes in `aliases`.
 */
export const SQL_IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;
export const SQL_IDENTIFIER_RULE = 'letters, digits and _, not starting with a digit, at most 63 characters';

/** A schema's name appears in tus metadata (`schema=<name>`) and in URLs (`/schemas/<name>`). */
export const SCHEMA_NAME = /^[A-Za-z0-9_-]{1,63}$/;
export const SCHEMA_NAME_RULE = 'letters, digits, _ and -, at most 63 characters';
