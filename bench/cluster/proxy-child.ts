import { parseArgs } from 'node:util';
import { startRoundRobinProxy } from '../../test/cluster/support/round-robin-proxy.js';

/**
 * The cluster tests' round-robin TCP proxy in a process of its own, so its CPU is neither
 * the bench client's nor a server's. Prints `proxy ready on <url>`; exits when the bench
 * closes our stdin (even when the bench was killed).
 */
const { values } = parseArgs({ args: process.argv.slice(2), strict: true, options: { backends: { type: 'string' } } });
const ports = (values.backends ?? '').split(',').map(Number);
if (ports.length === 0 || ports.some((port) => !Number.isInteger(port) || port < 1 || port > 65535)) {
  process.stderr.write(`proxy-child: --backends needs a comma-separated list of ports, got "${values.backends ?? ''}"\n`);
  process.exit(2);
}
const proxy = await startRoundRobinProxy(ports);
process.stdout.write(`proxy ready on ${proxy.url}\n`);
const leave = (): void => {
  proxy.close().finally(() => process.exit(0));
};
process.stdin.on('end', leave);
process.stdin.on('error', leave);
process.stdin.resume();
