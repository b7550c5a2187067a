import { createSchemaRegistry, defineSchema } from '../../../src/csv/schema/index.js';
import { createBullmqImportQueue, createImportService, createLazySink, type ImportService } from '../../../src/imports/index.js';
import { createPostgresSink } from '../../../src/imports/sinks/index.js';
import { createLogger } from '../../../src/logging/logger.js';
import type { FerryStore } from '../../../src/store/index.js';
import { peopleSchema } from '../../imports/harness.js';

/** Where one instance of the import cluster connects: what every instance shares. */
export interface ImportClusterConfig {
  dataDir: string;
  /** PostgreSQL, with a search_path of the test's own schema. */
  databaseUrl: string;
  redisUrl: string;
  /** The test's own Redis key prefix. */
  keyPrefix: string;
  /** The table the `people` schema imports into. */
  table: string;
  jobLeaseMs: number;
}

export interface ClusterImportService extends ImportService {
  /** Closes the service, then its sink, as ferry.close() does. */
  closeAll(): Promise<void>;
}

/** One instance's import service: a PostgreSQL sink and the BullMQ queue, as ferry builds them in cluster mode. */
export function openClusterImportService(config: ImportClusterConfig, store: FerryStore, logs: Record<string, unknown>[] = []): ClusterImportService {
  const { dataDir, databaseUrl, redisUrl, keyPrefix, table, jobLeaseMs } = config;
  const sink = createLazySink(() => createPostgresSink({ connectionString: databaseUrl }));
  const logger = createLogger('info', { write: (line: string) => void logs.push(JSON.parse(line) as Record<string, unknown>) });
  const service = createImportService({
    dataDir,
    schemas: createSchemaRegistry([defineSchema(peopleSchema('people', table))]),
    sink,
    store,
    logger,
    progressIntervalMs: 50,
    createQueue: (handlers) => createBullmqImportQueue({ ...handlers, redisUrl, keyPrefix, jobLeaseMs, logger }),
  });
  return Object.assign(service, {
    async closeAll() {
      await service.close();
      await sink.close();
    },
  });
}

/** The PostgreSQL URL with its search_path set to `schema`, so every table of the test (the ledger too) lands there. */
export function withSearchPath(databaseUrl: string, schema: string): string {
  const url = new URL(databaseUrl);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return url.toString();
}
