import type { Redis } from 'ioredis';
import pg from 'pg';

/** A dependency /readyz asks about: `probe` resolves while it answers. */
export interface ReadinessProbe {
  name: 'redis' | 'database';
  probe(): Promise<void>;
}

export interface ReadinessProbes {
  checks: ReadinessProbe[];
  close(): Promise<void>;
}

/**
 * The readiness probes of cluster mode: Redis answers PING (on `redis`, which fails at once
 * while Redis is away), and the import database (FERRY_DATABASE_URL) answers `SELECT 1` over
 * a pool of one connection of its own, kept between probes, so a probe never waits behind an
 * import. Either one slower than `timeoutMs` fails.
 */
export function createReadinessProbes(redis: Redis, databaseUrl: string, timeoutMs = 1000): ReadinessProbes {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 1, connectionTimeoutMillis: timeoutMs, query_timeout: timeoutMs });
  // An idle connection that dies (a server restart) is dropped by the pool; the next probe reconnects.
  pool.on('error', () => undefined);
  return {
    checks: [
      {
        name: 'redis',
        async probe() {
          await redis.ping();
        },
      },
      {
        name: 'database',
        async probe() {
          await pool.query('SELECT 1');
        },
      },
    ],
    close: () => pool.end(),
  };
}
