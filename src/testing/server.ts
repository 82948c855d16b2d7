/**
 * Test helpers for the web server: the app on a real socket over a real store (as `flowmap serve`
 * runs it: a shared WorkerStore), HTTP requests with any headers (Host included), and a lab store.
 */
import { request } from 'node:http';
import { join } from 'node:path';
import type { FlowmapConfig } from '../config/config.js';
import { parseConfig } from '../config/schema.js';
import { writeLabCapture } from '../gen/lab.js';
import { apiDeps, type ApiDeps } from '../server/deps.js';
import { startServer, type RunningServer } from '../server/server.js';
import { ServiceRegistry } from '../services/registry.js';
import { WorkerStore } from '../store/worker-store.js';
import { runCli } from './cli.js';

/** The lab capture ingested into DB: 20,000 packets over 10 minutes from 2026-01-15T10:00:00Z. */
export const LAB_START = Date.UTC(2026, 0, 15, 10, 0, 0);
export function ingestLab(dir: string, db: string): void {
  const pcap = join(dir, 'lab.pcap');
  writeLabCapture(pcap, { packets: 20_000, durationSec: 600, snaplen: 128 });
  const r = runCli(['--db', db, 'ingest', pcap]);
  if (r.code !== 0) throw new Error(`ingest failed: ${r.stderr}`);
}

export interface TestServer extends RunningServer {
  deps: ApiDeps;
  stop(): Promise<void>;
}

/** The app over DB, read-only and shared (as `flowmap serve` without collectors), on a free port. */
export async function startTestServer(db: string, o: { config?: unknown; token?: string; listen?: string; webRoot?: string } = {}): Promise<TestServer> {
  const config: FlowmapConfig = parseConfig(o.config ?? {}, 'test');
  const store = new WorkerStore(db, { shared: true, readOnly: true });
  await store.init();
  const deps = apiDeps({ store, spec: db, config, services: ServiceRegistry.builtin().withOverrides(config.services), version: 'test' });
  const server = await startServer(deps, { port: 0, listen: o.listen ?? '127.0.0.1', token: o.token, webRoot: o.webRoot });
  return {
    ...server,
    deps,
    stop: async () => {
      await server.close();
      await store.close();
    },
  };
}

export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  text: string;
  json<T = unknown>(): T;
}

/** GET (or another method) with exactly these headers; Host defaults to the URL's. */
export function fetchRaw(base: string, path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<Answer> {
  const u = new URL(path, base);
  return new Promise((resolve, reject) => {
    const req = request({ host: u.hostname.replace(/^\[|\]$/g, ''), port: u.port, path: u.pathname + u.search, method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (d: Buffer) => chunks.push(d));
      res.on('end', () => {
        const body = Buffer.concat(chunks);
        const text = body.toString('utf8');
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body, text, json: <T>() => JSON.parse(text) as T });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

/** GET a JSON answer that must be 200. */
export async function getJson<T>(base: string, path: string, headers: Record<string, string> = {}): Promise<T> {
  const a = await fetchRaw(base, path, headers);
  if (a.status !== 200) throw new Error(`GET ${path}: ${a.status} ${a.text}`);
  return a.json<T>();
}

/** `flowmap top --json` rows from the CLI, for comparison with the API. */
export function cliJson<T>(db: string, args: string[], config?: string): T {
  const r = runCli(['--db', db, ...(config ? ['--config', config] : []), ...args]);
  if (r.code !== 0) throw new Error(`flowmap ${args.join(' ')}: ${r.stderr}`);
  return JSON.parse(r.stdout) as T;
}
