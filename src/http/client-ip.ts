import type { Context } from 'hono';
import type { AppEnv } from './context.js';

/** The address of the client's end of the connection (no proxy header is trusted). */
export function clientIpOf(c: Context<AppEnv>): string {
  return c.env?.incoming?.socket.remoteAddress ?? 'unknown';
}
