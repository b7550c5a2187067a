import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { FileStore } from '@tus/file-store';
import { Server } from '@tus/server';
import { Hono } from 'hono';
import { announceReady, exitWhenParentGoes, parseChildArgs } from './child-args.js';

/**
 * The peer: stock @tus/server with @tus/file-store, served either by its own
 * `server.listen()` (--mode listen) or mounted in a hono app via `handleWeb`
 * under @hono/node-server (--mode hono), the way ferry is assembled.
 */
const args = parseChildArgs(process.argv.slice(2));
const tus = new Server({ path: '/files', datastore: new FileStore({ directory: args.dataDir }) });
exitWhenParentGoes(args.dataDir);

if (args.mode === 'listen') {
  const server = tus.listen(args.port, args.host, () => announceReady('peer-listen', (server.address() as AddressInfo).port));
} else if (args.mode === 'hono') {
  const app = new Hono();
  app.all('/files', (c) => tus.handleWeb(c.req.raw));
  app.all('/files/*', (c) => tus.handleWeb(c.req.raw));
  serve({ fetch: app.fetch, hostname: args.host, port: args.port }, (info) => announceReady('peer-hono', info.port));
} else {
  throw new Error(`--mode must be "listen" or "hono", got "${String(args.mode)}"`);
}
