/** Why the server could not listen, when the cause is the user's to fix (a busy port, a privileged one, a foreign address). */
const LISTEN_PROBLEMS: Record<string, string> = {
  EADDRINUSE: 'the port is already in use (another ferry, or another program); choose another with --port or FERRY_PORT',
  EACCES: 'permission denied (ports below 1024 need privileges); choose another with --port or FERRY_PORT',
  EADDRNOTAVAIL: "the address is not one of this machine's; choose another with --host or FERRY_HOST",
};

/**
 * One line for an error from `server.listen`, e.g. `cannot listen on 127.0.0.1:1080: the port
 * is already in use …`, or undefined for an error that is not a listen problem (a bug: let it
 * show its stack).
 */
export function describeListenFailure(error: unknown, host: string, port: number): string | undefined {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === undefined || !(code in LISTEN_PROBLEMS)) return undefined;
  return `cannot listen on ${formatHostPort(host, port)}: ${LISTEN_PROBLEMS[code]} (${code})`;
}

/** `127.0.0.1:1080`, `[::1]:1080`. */
export function formatHostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}
