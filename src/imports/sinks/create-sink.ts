import path from 'node:path';
import type { Sink } from '../types.js';
import { createPostgresSink } from './postgres-sink.js';
import { createSqliteSink } from './sqlite-sink.js';

export interface SinkConfig {
  /** The data directory; the SQLite file is `<dataDir>/imports.sqlite`. */
  dataDir: string;
  /** FERRY_DATABASE_URL: a PostgreSQL URL, or empty for the embedded SQLite file. */
  databaseUrl: string;
}

/** PostgreSQL when a database URL is set, embedded SQLite otherwise. */
export function createSink({ dataDir, databaseUrl }: SinkConfig): Sink {
  if (databaseUrl === '') return createSqliteSink({ file: path.join(dataDir, 'imports.sqlite') });
  return createPostgresSink({ connectionString: databaseUrl });
}
