import type { Context } from 'hono';
import { appError } from '../../errors/catalogue.js';
import type { AppEnv } from '../context.js';
import { errorResponse } from '../error-response.js';

/** Flipped by the shutdown code so load balancers stop sending traffic. */
export interface HealthState {
  shuttingDown: boolean;
}

/** GET /healthz: `{status: "ok"}` with 200, or 503 HTTP_SHUTTING_DOWN while shutting down. */
export function createHealthRoute(state: HealthState) {
  return function healthRoute(c: Context<AppEnv>): Response {
    if (state.shuttingDown) return errorResponse(appError('HTTP_SHUTTING_DOWN'));
    return c.json({ status: 'ok' });
  };
}
