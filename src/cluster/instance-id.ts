import os from 'node:os';
import type { Config } from '../config/settings.js';

/** This instance's name: FERRY_INSTANCE_ID, else `<hostname>-<pid>`. */
export function instanceIdOf(config: Pick<Config, 'instanceId'>): string {
  return config.instanceId === '' ? `${os.hostname()}-${process.pid}` : config.instanceId;
}

/** The fields every log line carries beyond ferry's own: the instance, in cluster mode (FERRY_REDIS_URL). */
export function instanceLogFields(config: Pick<Config, 'instanceId' | 'redisUrl'>): Record<string, string> {
  return config.redisUrl === '' ? {} : { instance: instanceIdOf(config) };
}
