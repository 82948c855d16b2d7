/**
 * The app on a real HTTP socket. `startServer` is what `flowmap serve` runs, and what tests and the
 * page's end-to-end tests start in-process (port 0 picks a free port).
 */
import { createAdaptorServer } from '@hono/node-server';
import type { Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { UsageError } from '../util/errors.js';
import { createApp, type AppOptions } from './app.js';
import type { ApiDeps } from './deps.js';
import { DEFAULT_WEB_ROOT } from './static.js';

export interface ServerOptions extends Partial<Pick<AppOptions, 'webRoot' | 'token'>> {
  port: number;
  /** IP address to bind. */
  listen: string;
  /** HTTPS with this PEM certificate (chain) and key; the token cookie is then Secure. */
  tls?: { cert: string | Buffer; key: string | Buffer };
}

export interface RunningServer {
  /** `http://127.0.0.1:3000/` (`https://` with TLS; IPv6 in brackets). */
  url: string;
  port: number;
  /** Ends the event streams, stops accepting, and closes every connection. */
  close(): Promise<void>;
}

export function isLoopback(address: string): boolean {
  return /^127\./.test(address) || address === '::1' || address === '::ffff:127.0.0.1';
}

/** A certificate or key that is not PEM, or that do not match, is the user's to fix: no stack trace. */
function httpsServer(fetch: Parameters<typeof createAdaptorServer>[0]['fetch'], tls: NonNullable<ServerOptions['tls']>): ReturnType<typeof createAdaptorServer> {
  try {
    return createAdaptorServer({ fetch, createServer: createHttpsServer, serverOptions: { cert: tls.cert, key: tls.key } });
  } catch (e) {
    throw new UsageError(`TLS: the certificate or key cannot be used: ${(e as Error).message}`);
  }
}

export async function startServer(deps: ApiDeps, opts: ServerOptions): Promise<RunningServer> {
  const loopback = isLoopback(opts.listen);
  // The server itself keeps the rule, whoever starts it (the CLI, the demo, an embedding program).
  if (!loopback && opts.token === undefined) {
    throw new UsageError(`cannot serve on ${opts.listen} without a token: anyone who reaches it would read the flows (--token T, FLOWMAP_TOKEN or serve.token)`);
  }
  const app = createApp(deps, { webRoot: opts.webRoot ?? DEFAULT_WEB_ROOT, token: opts.token, loopback, secure: opts.tls !== undefined });
  const server = (opts.tls === undefined ? createAdaptorServer({ fetch: app.fetch }) : httpsServer(app.fetch, opts.tls)) as Server;
  // Node closes idle keep-alive sockets after 5 s, the moment a client may reuse one (ECONNRESET on a
  // busy machine); a minute, as proxies and load balancers expect, makes that race rare.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  await new Promise<void>((resolve, reject) => {
    const onError = (e: NodeJS.ErrnoException): void => {
      const where = `${opts.listen.includes(':') ? `[${opts.listen}]` : opts.listen}:${opts.port}`;
      if (e.code === 'EADDRINUSE') reject(new UsageError(`cannot listen on ${where}: the port is in use; pick another with --port`));
      else if (e.code === 'EACCES') reject(new UsageError(`cannot listen on ${where}: permission denied (ports below 1024 need privileges)`));
      else if (e.code === 'EADDRNOTAVAIL') reject(new UsageError(`cannot listen on ${where}: no such local address`));
      else reject(e);
    };
    server.once('error', onError);
    server.listen(opts.port, opts.listen, () => {
      server.off('error', onError);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const host = opts.listen.includes(':') ? `[${opts.listen}]` : opts.listen;
  let closed: Promise<void> | undefined;
  return {
    url: `${opts.tls === undefined ? 'http' : 'https'}://${host}:${port}/`,
    port,
    close: () =>
      (closed ??= new Promise<void>((resolve) => {
        deps.bus.shutdown();
        void deps.exports.close();
        server.close(() => resolve());
        server.closeIdleConnections();
        // Requests still running (a long export) are cut: the process is stopping.
        setTimeout(() => server.closeAllConnections(), 2000).unref();
      })),
  };
}
