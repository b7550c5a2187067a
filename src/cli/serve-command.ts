import { loadConfig } from '../config/load-config.js';
import { createFerry } from '../ferry.js';
import { installGracefulShutdown } from '../lifecycle/graceful-shutdown.js';
import { createLogger } from '../logging/logger.js';

/** `ferry serve [flags]`: validate the config once, listen, and shut down gracefully on a signal. */
export async function serveCommand(args: readonly string[]): Promise<void> {
  const config = loadConfig(args, process.env);
  const logger = createLogger(config.logLevel);
  const ferry = createFerry(config, { logger });
  const url = await ferry.listen();
  logger.info({ url, dataDir: config.dataDir, endpoint: `${url}/files/` }, 'listening');
  installGracefulShutdown({
    target: {
      close: () => ferry.close(),
      closeAllConnections: () => ferry.server.closeAllConnections(),
      setShuttingDown: () => ferry.setShuttingDown(),
    },
    logger,
    timeoutMs: config.shutdownTimeoutMs,
  });
}
