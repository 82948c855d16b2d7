/**
 * `flowmap collect --metrics ADDR:PORT`: GET /metrics on a plain node:http server, nothing else. The
 * rule of `serve` holds: a listener beyond loopback needs a token, sent as `Authorization: Bearer`.
 */
import { createServer, type Server } from 'node:http';
import { isIP, type AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import { UsageError } from '../util/errors.js';
import { digest, matches } from './security.js';
import { isLoopback } from './server.js';

export interface MetricsAddress {
  host: string;
  port: number;
}

/** `9464`, `:9464` (both 127.0.0.1), `0.0.0.0:9464`, `[::1]:9464`. */
export function parseMetricsAddress(text: string): MetricsAddress {
  const m = /^(?:(?:\[([0-9a-fA-F:.]+)\]|([0-9.]+)):|:)?(\d{1,5})$/.exec(text.trim());
  const host = m?.[1] ?? m?.[2] ?? '127.0.0.1';
  const port = Number(m?.[3]);
  if (!m || port > 65535 || isIP(host) === 0) throw new UsageError(`--metrics: ${text} is not ADDR:PORT (e.g. 9464, 127.0.0.1:9464, [::1]:9464)`);
  return { host, port };
}

export interface MetricsServer {
  url: string;
  close(): Promise<void>;
}

export async function startMetricsServer(registry: Registry, at: MetricsAddress, token?: string): Promise<MetricsServer> {
  if (token === undefined && !isLoopback(at.host)) {
    throw new UsageError(`--metrics ${at.host}: serving metrics beyond this machine needs a token (FLOWMAP_TOKEN or serve.token in the config)`);
  }
  const expected = token === undefined ? undefined : digest(token);
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path !== '/metrics' || (req.method !== 'GET' && req.method !== 'HEAD')) {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('only GET /metrics here\n');
      return;
    }
    const auth = req.headers.authorization;
    const given = auth !== undefined && /^Bearer /i.test(auth) ? auth.slice(7).trim() : undefined;
    if (expected !== undefined && (given === undefined || !matches(given, expected))) {
      res.writeHead(401, { 'Content-Type': 'text/plain', 'WWW-Authenticate': 'Bearer realm="flowmap"' }).end('authentication required: Authorization: Bearer TOKEN\n');
      return;
    }
    registry.metrics().then(
      (body) => res.writeHead(200, { 'Content-Type': registry.contentType, 'Cache-Control': 'no-store' }).end(req.method === 'HEAD' ? undefined : body),
      (e: unknown) => res.writeHead(500, { 'Content-Type': 'text/plain' }).end(`${(e as Error).message}\n`),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) =>
      reject(e.code === 'EADDRINUSE' ? new UsageError(`--metrics: port ${at.port} is in use`) : new UsageError(`--metrics: cannot listen on ${at.host}:${at.port}: ${e.message}`)),
    );
    server.listen(at.port, at.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const host = at.host.includes(':') ? `[${at.host}]` : at.host;
  return {
    url: `http://${host}:${port}/metrics`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
