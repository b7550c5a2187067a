/** Addresses that mean "every interface": a browser or client on this machine reaches them on loopback. */
const ANY_ADDRESS: Record<string, string> = { '0.0.0.0': '127.0.0.1', '::': '::1', '': '127.0.0.1' };

/**
 * The URL a browser or `ferry upload` on this machine uses for a server on `host:port`,
 * e.g. http://127.0.0.1:1080 for 0.0.0.0:1080 and http://[::1]:1080 for [::]:1080.
 */
export function localUrl(host: string, port: number): string {
  const reachable = ANY_ADDRESS[host] ?? host;
  return `http://${reachable.includes(':') ? `[${reachable}]` : reachable}:${port}`;
}
