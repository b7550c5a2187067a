import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { type Context, Hono } from 'hono';
import { appError } from '../../errors/catalogue.js';
import type { AppEnv } from '../context.js';

/** The built page (client/dist): each URL maps to one fixed file, so no request names a path. */
const CLIENT_FILES = {
  '/': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/assets/app.js': { file: 'app.js', type: 'text/javascript; charset=utf-8' },
  '/assets/styles.css': { file: 'styles.css', type: 'text/css; charset=utf-8' },
} as const;

type ClientPath = keyof typeof CLIENT_FILES;

const CLIENT_PATHS = Object.keys(CLIENT_FILES) as ClientPath[];

/**
 * Only our own script and stylesheet; requests to our own origin (tus, /imports, /schemas);
 * no frames, no plugins, no forms posted anywhere. `data:` images: the page's empty favicon.
 */
export const CLIENT_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

export interface ClientRoutesOptions {
  /** The directory `npm run build:client` writes (index.html, app.js, styles.css). */
  directory: string;
}

/**
 * GET / (the upload page) and its two assets, read from `directory` on each request so a
 * rebuild needs no restart. Each carries its Content-Type, nosniff and the page's CSP, and
 * an ETag from size and mtime (304 on If-None-Match); other methods get 405. A page that
 * was never built answers 404 HTTP_NOT_FOUND saying how to build it; the rest of ferry
 * runs without it. Only the exact request target counts: `/files/..` is normalised to `/`
 * by URL parsing, but it is no name of the page, so it stays a 404.
 */
export function createClientRoutes({ directory }: ClientRoutesOptions): Hono<AppEnv> {
  const routes = new Hono<AppEnv>();
  for (const urlPath of CLIENT_PATHS) {
    const { file, type } = CLIENT_FILES[urlPath];
    routes.get(urlPath, async function clientFile(c: Context<AppEnv>) {
      requireExactTarget(c, urlPath);
      const filePath = path.join(directory, file);
      const found = await stat(filePath).catch(() => undefined);
      if (found === undefined || !found.isFile()) throw notBuilt(file, directory);
      const etag = `W/"${found.size.toString(16)}-${Math.floor(found.mtimeMs).toString(16)}"`;
      const headers: Record<string, string> = {
        'Content-Type': type,
        'X-Content-Type-Options': 'nosniff',
        'Content-Security-Policy': CLIENT_CSP,
        'Referrer-Policy': 'no-referrer',
        'X-Frame-Options': 'DENY',
        'Cache-Control': 'no-cache',
        ETag: etag,
      };
      if (c.req.header('if-none-match') === etag) return new Response(null, { status: 304, headers });
      const body = await readFile(filePath).catch(() => undefined);
      if (body === undefined) throw notBuilt(file, directory);
      return new Response(body, { status: 200, headers });
    });
    routes.on(['POST', 'PUT', 'PATCH', 'DELETE'], urlPath, function clientMethodNotAllowed(c: Context<AppEnv>) {
      requireExactTarget(c, urlPath);
      c.set('allow', 'GET, HEAD, OPTIONS');
      throw appError('HTTP_METHOD_NOT_ALLOWED');
    });
  }
  return routes;
}

/** 404 unless the request target, as sent (before dot segments are resolved), is `urlPath`. */
function requireExactTarget(c: Context<AppEnv>, urlPath: ClientPath): void {
  const sent: string | undefined = c.env?.incoming?.url;
  if (sent === undefined) return;
  const target = sent.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i, '').split(/[?#]/, 1)[0];
  if (target !== urlPath) throw appError('HTTP_NOT_FOUND');
}

function notBuilt(file: string, directory: string) {
  return appError('HTTP_NOT_FOUND', { message: `The browser page is not built (no ${file} in ${directory}): run npm run build:client.` });
}
