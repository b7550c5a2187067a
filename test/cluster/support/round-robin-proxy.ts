import net from 'node:net';

export interface RoundRobinProxy {
  /** http://127.0.0.1:<port> */
  url: string;
  /** How many connections each backend was given, by index. */
  connections: number[];
  close(): Promise<void>;
}

/**
 * A plain TCP load balancer for the cluster tests: each new connection goes to the next
 * backend in turn (no stickiness, no HTTP awareness). A backend that refuses the connection
 * (a killed instance) is skipped for that connection, as a proxy's next-upstream rule does.
 */
export async function startRoundRobinProxy(backendPorts: readonly number[]): Promise<RoundRobinProxy> {
  let next = 0;
  const connections = backendPorts.map(() => 0);
  const sockets = new Set<net.Socket>();
  const track = (socket: net.Socket): void => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  };

  function connect(client: net.Socket, attemptsLeft: number): void {
    const index = next;
    next = (next + 1) % backendPorts.length;
    const upstream = net.connect(backendPorts[index], '127.0.0.1');
    track(upstream);
    upstream.once('connect', () => {
      connections[index] += 1;
      upstream.on('error', () => client.destroy());
      client.on('error', () => upstream.destroy());
      client.pipe(upstream);
      upstream.pipe(client);
      client.resume();
    });
    upstream.once('error', (error: NodeJS.ErrnoException) => {
      if (upstream.connecting === false && error.code !== 'ECONNREFUSED') return;
      if (attemptsLeft > 1 && error.code === 'ECONNREFUSED') connect(client, attemptsLeft - 1);
      else client.destroy();
    });
  }

  const server = net.createServer({ pauseOnConnect: true }, (client) => {
    track(client);
    client.on('error', () => undefined);
    connect(client, backendPorts.length);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    connections,
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
