import type { Server } from 'node:net';

export interface ConnectionCapsOptions {
  /** FERRY_MAX_CONNECTIONS: open connections in total; 0: no cap. Beyond it Node closes new sockets at once. */
  maxConnections: number;
  /** FERRY_MAX_CONNECTIONS_PER_IP: open connections from one client address; 0: no cap. */
  maxConnectionsPerIp: number;
}

/**
 * Caps open connections so a flood (idle sockets included) cannot use up the file
 * descriptors: a socket beyond a cap is destroyed as soon as it is accepted, and its slot
 * is free again once a socket closes. Clients from other addresses keep being served.
 */
export function capConnections(server: Server, { maxConnections, maxConnectionsPerIp }: ConnectionCapsOptions): void {
  if (maxConnections > 0) server.maxConnections = maxConnections;
  if (maxConnectionsPerIp <= 0) return;
  const open = new Map<string, number>();
  server.on('connection', (socket) => {
    const address = socket.remoteAddress ?? 'unknown';
    const count = open.get(address) ?? 0;
    if (count >= maxConnectionsPerIp) {
      socket.destroy();
      return;
    }
    open.set(address, count + 1);
    socket.once('close', () => {
      const left = (open.get(address) ?? 1) - 1;
      if (left > 0) open.set(address, left);
      else open.delete(address);
    });
  });
}
