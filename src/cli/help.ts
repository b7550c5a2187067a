import { formatSettingsTable } from '../config/load-config.js';

export const USAGE = `ferry: resumable uploads (tus 1.0.0) and CSV imports

usage:
  ferry [serve] [flags]                     serve the tus endpoint at /files/ (the default command)
  ferry import <file.csv> --schema <s> ...  import a CSV file offline, without a server (ferry import --help)
  ferry schema check <file.json>...         check schema files (ferry schema --help)
  ferry --help                              print this help

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
