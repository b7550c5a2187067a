import { ReplyError } from 'ioredis';
import { REDIS_RETRY_AFTER_SECONDS } from '../cluster/redis-connection.js';
import { isAppError } from '../errors/app-error.js';
import { appError } from '../errors/catalogue.js';

/**
 * Shared limits fail closed: a limit that cannot ask Redis refuses with REDIS_UNAVAILABLE
 * (503, Retry-After) rather than letting the request through unlimited. A reply error (a
 * script or command Redis did run and refused) is a fault of ours and stays what it is.
 */
export async function failClosed<T>(command: Promise<T>): Promise<T> {
  try {
    return await command;
  } catch (error) {
    if (isAppError(error) || error instanceof ReplyError) throw error;
    throw appError('REDIS_UNAVAILABLE', { details: { retryAfter: REDIS_RETRY_AFTER_SECONDS }, cause: error });
  }
}
