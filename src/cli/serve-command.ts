import { instanceLogFields } from '../cluster/instance-id.js';
import { loadConfig } from '../config/load-config.js';
import { createFerry, servesOthersUnauthenticated, UNAUTHENTICATED_WARNING } from '../ferry.js';
import { installGracefulShutdown } from '../lifecycle/graceful-shutdown.js';
import { createLogger } from '../logging/logger.js';
import { EXIT_USAGE } from './exit-codes.js';
import { describeListenFailure } from './listen-failure.js';
import { localUrl } from './local-url.js';

/**
 * `ferry serve [flags]`: validate the config once, listen, and shut down gracefully on a signal.
 * Returns undefined while serving, or EXIT_USAGE when the address cannot be listened on (a busy
 * port: one line on stderr, not a stack trace).
 */
export async function serveCommand(args: readonly string[]): Promise<number | undefined> {
  const config = loadConfig(args, process.env);
  const logger = createLogger(config.logLevel, undefined, instanceLogFields(config));
  const ferry = createFerry(config, { logger });
  let url: string;
  try {
    url = await ferry.listen();
  } catch (error) {
    const problem = describeListenFailure(error, config.host, config.port);
    if (problem === undefined) throw error;
    await ferry.close();
    process.stderr.write(`ferry: ${problem}\n`);
    return EXIT_USAGE;
  }
  // Tests and log collectors wait for this line; keep its message and `url`.
  logger.info({ url, dataDir: config.dataDir, endpoint: `${url}/files/` }, 'listening');
  const page = localUrl(config.host, Number(new URL(url).port));
  process.stderr.write(`ferry listening on ${page} — open it in a browser (tus endpoint ${page}/files/)\n`);
  if (servesOthersUnauthenticated(config)) process.stderr.write(`ferry: warning: ${UNAUTHENTICATED_WARNING}\n`);
  installGracefulShutdown({
    target: {
      close: () => ferry.close(),
      closeAllConnections: () => ferry.server.closeAllConnections(),
      setShuttingDown: () => ferry.setShuttingDown(),
    },
    logger,
    timeoutMs: config.shutdownTimeoutMs,
  });
  return undefined;
}
