import type { Context } from 'hono';
import { appError } from '../../errors/catalogue.js';
import type { AppEnv } from '../context.js';
import type { HealthState } from './health-route.js';

/** A dependency this instance needs to serve (cluster mode: Redis, PostgreSQL); `probe` resolves while it answers. */
export interface ReadinessCheck {
  /** Its key in the 503's `details`: `redis`, `database`. */
  name: string;
  probe: () => Promise<void>;
}

export interface ReadyRouteOptions {
  health: HealthState;
  checks: readonly ReadinessCheck[];
  /** How long a probe may take before its dependency counts as down. */
  timeoutMs?: number;
}

/**
 * GET /readyz, the readiness probe (a load balancer sends traffic only while it is 200):
 * `{status: "ready"}` when every check answers within `timeoutMs` (they run at once), else 503
 * NOT_READY with each dependency `up` or `down` in `details`; 503 at once while shutting down.
 * /healthz stays the liveness probe: a dependency that is away never gets a process restarted.
 */
export function createReadyRoute({ health, checks, timeoutMs = 1000 }: ReadyRouteOptions) {
  return async function readyRoute(c: Context<AppEnv>): Promise<Response> {
    if (health.shuttingDown) return notReady(c, 'The server is shutting down.', { shuttingDown: true });
    const answers = await Promise.all(checks.map((check) => answersWithin(check.probe, timeoutMs)));
    if (answers.every(Boolean)) return c.json({ status: 'ready' });
    const details = Object.fromEntries(checks.map((check, index) => [check.name, answers[index] ? 'up' : 'down']));
    return notReady(c, undefined, details);
  };
}

/** The 503 keeps its details, unlike other 5xx bodies (errorResponse): which dependency is down is what the probe is for. */
function notReady(c: Context<AppEnv>, message: string | undefined, details: Record<string, unknown>): Response {
  const error = appError('NOT_READY', { message });
  return c.json({ error: { code: error.code, message: error.message, details } }, 503);
}

async function answersWithin(probe: () => Promise<void>, timeoutMs: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  try {
    return await Promise.race([probe().then(() => true), timedOut]);
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}
