import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import net from 'node:net';
import type { Redis } from 'ioredis';
import { connectRedis } from '../../../src/cluster/redis-connection.js';
import { createRedisLocker, type RedisLocker, type RedisLockerOptions } from '../../../src/cluster/redis-locker.js';
import { waitFor } from '../../support/tus-requests.js';

export const REDIS_URL = 'redis://127.0.0.1:6379';

/** One ferry instance's locking: a locker on its own two connections. */
export interface LockerInstance {
  locker: RedisLocker;
  redis: Redis;
  subscriber: Redis;
  stop(): Promise<void>;
}

/** How many connections are subscribed to the lockers' "released" channel under `keyPrefix`. */
async function subscribers(redis: Redis, keyPrefix: string): Promise<number> {
  const [, count] = (await redis.pubsub('NUMSUB', `${keyPrefix}lock-released`)) as [string, number];
  return count;
}

/**
 * Starts a locker as instance `instanceId` and waits until its subscription is live (the
 * count of subscribers under `keyPrefix` went up), so no test races the SUBSCRIBE.
 */
export async function startLockerInstance(
  instanceId: string,
  options: Pick<RedisLockerOptions, 'keyPrefix'> & Partial<RedisLockerOptions>,
  url = REDIS_URL,
): Promise<LockerInstance> {
  const redis = connectRedis(url, `test-${instanceId}`);
  const subscriber = connectRedis(url, `test-${instanceId}-sub`);
  await waitFor('the connections to be ready', () => redis.status === 'ready' && subscriber.status === 'ready');
  const before = await subscribers(redis, options.keyPrefix);
  const locker = createRedisLocker({ redis, subscriber, leaseMs: 3000, waitMs: 5000, instanceId, ...options });
  await waitFor('the locker to subscribe', async () => (await subscribers(redis, options.keyPrefix)) > before);
  return {
    locker,
    redis,
    subscriber,
    async stop() {
      await locker.close();
      redis.disconnect();
      subscriber.disconnect();
    },
  };
}

/** Deletes every key under `keyPrefix` (never FLUSHDB: other tests share this Redis). */
export async function deleteKeys(redis: Redis, keyPrefix: string): Promise<void> {
  const keys = await redis.keys(`${keyPrefix}*`);
  if (keys.length > 0) await redis.del(...keys);
}

/** A TCP port nothing listens on right now. */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** A throwaway redis-server child on `port`, without persistence; resolves once it accepts connections. */
export async function startRedisServer(port: number): Promise<ChildProcess> {
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  await waitFor(`redis-server on port ${port}`, async () => {
    if (child.exitCode !== null) throw new Error(`redis-server exited with ${child.exitCode}`);
    return canConnect(port);
  });
  return child;
}

export async function stopRedisServer(child: ChildProcess | undefined): Promise<void> {
  if (child === undefined || child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGKILL');
  await exited;
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
