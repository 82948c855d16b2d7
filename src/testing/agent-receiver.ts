/**
 * Test helper: a stand-in for the server's `POST /api/v1/agent`, answering each request with the next of
 * a list of statuses (the last repeats) and recording what it got.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { gunzipSync } from 'node:zlib';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  /** As sent, unpacked when gzipped. */
  body: string;
  /** Bytes on the wire. */
  bytes: number;
  status: number;
}

export interface AgentReceiver {
  port: number;
  url: string;
  got: ReceivedRequest[];
  /** The statuses still to answer; tests may change them while running. */
  statuses: number[];
  /** Sent as Retry-After with every answer of 429 or 503, when set. */
  retryAfter?: string;
  /** Resolves once `n` requests have arrived. */
  waitFor(n: number): Promise<void>;
  close(): Promise<void>;
}

export function startReceiver(statuses: number[], port = 0): Promise<AgentReceiver> {
  const got: ReceivedRequest[] = [];
  const waiters: { n: number; resolve: () => void }[] = [];
  const r = { statuses } as AgentReceiver;
  const srv: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const wire = Buffer.concat(chunks);
      const body = (req.headers['content-encoding'] === 'gzip' ? gunzipSync(wire) : wire).toString('utf8');
      const status = r.statuses.length > 1 ? (r.statuses.shift() as number) : r.statuses[0];
      got.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body, bytes: wire.length, status });
      const retry = r.retryAfter !== undefined && (status === 429 || status === 503) ? { 'retry-after': r.retryAfter } : {};
      res.writeHead(status, { 'content-type': 'application/json', ...retry }).end(JSON.stringify(status < 300 ? { ok: true } : { error: `nope ${status}` }));
      for (const w of waiters.filter((w) => got.length >= w.n)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
    });
  });
  return new Promise((resolve, reject) => {
    srv.once('error', reject);
    srv.listen(port, '127.0.0.1', () => {
      const p = (srv.address() as AddressInfo).port;
      Object.assign(r, {
        port: p,
        url: `http://127.0.0.1:${p}`,
        got,
        waitFor: (n: number) => (got.length >= n ? Promise.resolve() : new Promise<void>((res) => waiters.push({ n, resolve: res }))),
        // fetch keeps its connection alive: close that too, or close() waits for it.
        close: () =>
          new Promise<void>((res) => {
            srv.close(() => res());
            srv.closeAllConnections();
          }),
      });
      resolve(r);
    });
  });
}

/** A port nothing listens on (taken, then released). */
export async function freePort(): Promise<number> {
  const r = await startReceiver([200]);
  await r.close();
  return r.port;
}
