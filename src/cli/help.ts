import { formatSettingsTable } from '../config/load-config.js';

export const USAGE = `ferry: resumable uploads (tus 1.0.0) and CSV imports

usage:
  ferry [serve] [flags]                     serve the tus endpoint at /files/ (the default command)
  ferry upload <file>... [--schema <s>] ... upload files to a ferry server, resumably (ferry upload --help)
  ferry import <file.csv> --schema <s> ...  import a CSV file offline, without a server (ferry import --help)
  ferry schema check <file.json>...         check schema files (ferry schema --help)
  ferry token --sub <owner> [--ttl 1h] ...  mint an HS256 token for FERRY_AUTH=jwt, for development (ferry token --help)
  ferry --help                              print this help
  ferry --version                           print ferry's version (also -v)

Every flag can also be given by its environment variable; flags win.

settings:
${formatSettingsTable()}
`;

export const IMPORT_USAGE = `ferry import: import a CSV file offline (no server needed)

usage:
  ferry import <file.csv> --schema <name|path> [flags]

flags:
  --schema <name|path>   the schema: a path when it ends in .json or contains a /, else a
                         name looked up in the schemas dir (required)
  --mode <mode>          all-or-nothing (default): nothing is written if any row is bad
                         skip-bad-rows: good rows are written, bad ones reported
                         validate: check the file only, write nothing (opens no database)
  --max-errors <n>       stop reading after this many errors (default 1000)
  --json                 print one JSON document instead of the text report:
                         { file, schema, mode, summary, errors, warnings }
  --data-dir <dir>       SQLite goes to <dir>/imports.sqlite (FERRY_DATA_DIR, default ./storage)
  --database-url <url>   write to PostgreSQL instead (FERRY_DATABASE_URL; never printed)
  --schemas-dir <dir>    where schema names are looked up (FERRY_SCHEMAS_DIR, default ./schemas)

On a terminal a progress bar is drawn on stderr. The report goes to stdout: a summary
(rows read, imported, failed; errors by column and by code), then the first
20 errors and warnings. With --json, every error.

exit codes:
  0    every row is good (and, unless validating, imported)
  1    row errors, or header errors (the file was rejected)
  2    usage or config error: unknown flag, missing file or --schema, unknown schema,
       bad schema file, unreadable file, bad --mode or --max-errors, or a database
       table that does not match the schema. Nothing was written.
  3    the import database failed, cannot be reached, or refused a value.
       Nothing was committed.
  130  interrupted (Ctrl-C). Nothing was committed.
`;

export const SCHEMA_USAGE = `ferry schema: CSV import schemas

usage:
  ferry schema check <file.json>...

Checks each schema file as the server and ferry import load it. Prints
"ok: <name> (N columns)" for a good file; for a bad one, every problem on stderr,
one per line ("file: key path: message").

exit codes:
  0    every file is a valid schema
  2    a file has problems, or a usage error
`;

export const UPLOAD_USAGE = `ferry upload: upload files to a ferry server over tus, resumably

usage:
  ferry upload <file>... [flags]

flags:
  --url <url>            the tus endpoint (default: FERRY_URL, else the server ferry serve would
                         start here: http://FERRY_HOST:FERRY_PORT/files/, i.e.
                         http://127.0.0.1:1080/files/ without them)
  --schema <name>        import each file with this schema of the server once it is uploaded,
                         wait for the import and print its report (as ferry import does)
  --mode <mode>          with --schema: all-or-nothing (the server's default), skip-bad-rows
                         or validate
  --chunk-size <size>    bytes per PATCH request, e.g. 8MiB (default), 512KiB, 1048576
  --parallel <n>         how many files are uploaded at once (default 1, at most 16)
  --token <jwt>          for a server with FERRY_AUTH=jwt (default: FERRY_TOKEN): sent as
                         Authorization: Bearer on every request, never printed; prefer
                         FERRY_TOKEN, since a flag shows in the process list
  --json                 print one JSON document at the end instead of progress and reports:
                         { uploads: [{ file, size, exitCode, url, import, error }] }

Progress goes to stdout: a bar per file on a terminal; elsewhere plain lines (at the start,
every 10% and at the end, then the upload URL). With --json, bars only on a terminal
(stderr).

Resuming: an interrupted run (Ctrl-C, a crash, a lost connection) is resumed by running the
same command again: the server's offset is asked for (HEAD) and only the rest is sent. The
upload URL of each unfinished file (by absolute path, size, modification time and endpoint)
is kept in uploads.json in FERRY_CACHE_DIR, else $XDG_CACHE_HOME/ferry or ~/.cache/ferry
(~/Library/Caches/ferry on macOS); its entry is removed once the upload is complete.
Network errors, 5xx, 409 and 423 answers are retried 5 times with growing delays (0 to
10 s, plus jitter), once the server has answered at all.

exit codes (with several files, the highest):
  0    every file uploaded (and, with --schema, every row good)
  1    the server refused a file (e.g. 413 UPLOAD_TOO_LARGE: its code and message are
       printed; 401 AUTH_REQUIRED, AUTH_INVALID or AUTH_EXPIRED: no valid token), or the import found row or header errors, or the file is not a CSV
  2    usage or config error: unknown flag, missing or unreadable file, a directory,
       bad --url, --chunk-size, --parallel or --mode, a schema the server does not
       have (in all these, nothing was uploaded), or an import table on the server
       that does not match the schema.
  3    the server cannot be reached, failed (5xx) after the retries, or its import
       database failed. Run the same command again to resume.
  130  interrupted (Ctrl-C). Run the same command again to resume.
`;

export const TOKEN_USAGE = `ferry token: mint an HS256 token, for development and tests

usage:
  ferry token --sub <owner> [flags]

Signs a JWT with FERRY_JWT_SECRET (and the server's FERRY_JWT_ISSUER and FERRY_JWT_AUDIENCE,
so it passes their checks) and prints the token only, for Authorization: Bearer <token>.
In production, tokens come from your identity provider (see docs/security.md).

flags:
  --sub <owner>          the owner the token speaks for (its sub claim; required)
  --ttl <lifetime>       how long it is valid: 90s, 15m, 1h (default), 7d (at most 366d)
  --scope <actions>      comma-separated actions it allows (ferry_actions): upload, download,
                         delete, import, admin. Default: every action but admin
  --admin                an admin token: every action on every owner's uploads and imports
  --max-size <size>      the largest upload it may create (ferry_max_size), e.g. 100MiB
  --schemas <a,b>        the import schemas it may use (ferry_schemas)
  --jwt-secret <secret>  the secret (FERRY_JWT_SECRET; prefer the variable: a flag shows in ps)
  --jwt-issuer <iss>     FERRY_JWT_ISSUER
  --jwt-audience <aud>   FERRY_JWT_AUDIENCE

exit codes:
  0    the token is on stdout
  2    usage or config error (no secret, no --sub, a bad flag); the secret is never printed
`;
