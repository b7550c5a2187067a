import type { Logger } from 'pino';

export interface ShutdownTarget {
  /** Stop accepting connections, then let in-flight requests end and flush + fsync every upload. */
  close(): Promise<void>;
  /** Cut the connections still open (their PATCH handlers keep what arrived). */
  closeAllConnections(): void;
  /** Make /healthz answer 503 so load balancers stop sending traffic. */
  setShuttingDown(): void;
}

export interface GracefulShutdownOptions {
  target: ShutdownTarget;
  logger: Logger;
  /** The whole shutdown must end within this; in-flight requests get 80% of it. */
  timeoutMs: number;
  signals?: readonly NodeJS.Signals[];
  exit?: (code: number) => void;
}

/**
 * On the first SIGTERM or SIGINT: stop accepting connections, give in-flight
 * requests most of `timeoutMs` to finish, then cut the rest (a cut PATCH keeps the
 * bytes that arrived), flush and fsync every upload, and exit 0. If that does not
 * finish within `timeoutMs`, exit 1. A second signal exits at once with 1.
 */
export function installGracefulShutdown({
  target,
  logger,
  timeoutMs,
  signals = ['SIGTERM', 'SIGINT'],
  exit = (code) => process.exit(code),
}: GracefulShutdownOptions): void {
  let started = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (started) {
      logger.warn({ signal }, 'second signal: exiting now');
      exit(1);
      return;
    }
    started = true;
    logger.info({ signal, timeoutMs }, 'shutting down');
    target.setShuttingDown();
    const hardDeadline = setTimeout(() => {
      logger.error({ timeoutMs }, 'shutdown timed out');
      exit(1);
    }, timeoutMs);
    const graceEnd = setTimeout(() => target.closeAllConnections(), Math.floor(timeoutMs * 0.8));
    target.close().then(
      () => {
        clearTimeout(graceEnd);
        clearTimeout(hardDeadline);
        logger.info('shutdown complete');
        exit(0);
      },
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        exit(1);
      },
    );
  };
  for (const signal of signals) process.on(signal, onSignal);
}
