/**
 * Test helpers for the web server: the app on a real socket over a real store (as `flowmap serve`
 * runs it: a shared WorkerStore), HTTP requests with any headers (Host included), and a lab store.
 */
import { spawn } from 'node:child_process';
import { request } from 'node:http';
import { join } from 'node:path';
import type { FlowmapConfig } from '../config/model.js';
import { parseConfig } from '../config/schema.js';
import { writeLabCapture } from '../gen/lab.js';
import { apiDeps, type ApiDeps } from '../server/deps.js';
import { startServer, type RunningServer } from '../server/server.js';
import { ServiceRegistry } from '../services/registry.js';
import { WorkerStore } from '../store/worker-store.js';
import { CLI, runCli } from './cli.js';

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

/** The app over DB, shared and read-only (as `flowmap serve` without collectors or token) unless writable, on a free port. */
export async function startTestServer(db: string, o: { config?: unknown; token?: string; listen?: string; webRoot?: string; writable?: boolean } = {}): Promise<TestServer> {
  const config: FlowmapConfig = parseConfig(o.config ?? {}, 'test');
  // Writable as `serve --token` opens it, so agents can send snapshots.
  const store = new WorkerStore(db, { shared: true, readOnly: o.writable !== true });
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

export interface RunningServe {
  url: string;
  /** Collector ports by kind, when --netflow/--ipfix/--sflow were given. */
  ports: Record<string, number>;
  stderr(): string;
  /** SIGTERM (or another signal); the exit code and output once it has stopped. */
  stop(signal?: NodeJS.Signals): Promise<{ code: number | null; stderr: string }>;
}

/** `flowmap --db DB serve --port 0 ...args` as a child process, once it serves (and collects). */
export function startServe(db: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<RunningServe> {
  return startServing(['--db', db, 'serve', '--port', '0', ...args], { env });
}

/** Any flowmap command line that ends up serving (serve, demo), once it serves (and collects). */
export function startServing(argv: string[], opts: { env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number } = {}): Promise<RunningServe> {
  const collecting = argv.some((a) => ['--netflow', '--ipfix', '--sflow'].includes(a));
  const child = spawn(process.execPath, [CLI, ...argv], {
    env: { ...process.env, FLOWMAP_DB: '', FLOWMAP_CONFIG: '', FLOWMAP_TOKEN: '', ...opts.env },
    cwd: opts.cwd,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start:\n${stderr}`)), opts.timeoutMs ?? 30_000);
    let done = false;
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      const url = /serving (http:\/\/\S+\/)/.exec(stderr)?.[1];
      const listening = /collecting on \S+: (.*?); receive buffer/.exec(stderr);
      if (done || !url || (collecting && !listening)) return;
      done = true;
      clearTimeout(timer);
      const ports: Record<string, number> = {};
      for (const part of listening?.[1].split(', ') ?? []) {
        const [kind, port] = part.split(' ');
        ports[kind] = Number.parseInt(port, 10);
      }
      resolve({
        url,
        ports,
        stderr: () => stderr,
        stop: async (signal = 'SIGTERM') => {
          child.kill(signal);
          const code = await exited;
          return { code, stderr };
        },
      });
    });
    void exited.then((code) => {
      clearTimeout(timer);
      if (!done) reject(new Error(`serve exited (${code}) before serving:\n${stderr}`));
    });
  });
}

export interface EventStream {
  /** Events received so far, in order. */
  events: Array<{ event: string; data: string }>;
  /** Resolves when the server ends the stream. */
  ended: Promise<void>;
  /** The next event of this name (already received ones count), within timeoutMs. */
  next(event: string, after?: number, timeoutMs?: number): Promise<{ event: string; data: string }>;
  close(): void;
}

/** Listen to /api/v1/events like a browser's EventSource. */
export function openEvents(base: string, headers: Record<string, string> = {}): Promise<EventStream> {
  const u = new URL('/api/v1/events', base);
  const events: Array<{ event: string; data: string }> = [];
  let buf = '';
  let wake = (): void => undefined;
  return new Promise((resolve, reject) => {
    const req = request({ host: u.hostname, port: u.port, path: u.pathname, headers }, (res) => {
      if (res.statusCode !== 200) return reject(new Error(`events: ${res.statusCode}`));
      const ended = new Promise<void>((r) => res.on('end', () => r()).on('close', () => r()));
      res.on('data', (d: Buffer) => {
        buf += d.toString();
        let i: number;
        while ((i = buf.indexOf('\n\n')) >= 0) {
          const block = buf.slice(0, i);
          buf = buf.slice(i + 2);
          const event = /^event: (.*)$/m.exec(block)?.[1];
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (event !== undefined && data !== undefined) events.push({ event, data });
        }
        wake();
      });
      resolve({
        events,
        ended,
        next: (event, after = 0, timeoutMs = 15_000) =>
          new Promise((res2, rej2) => {
            const deadline = setTimeout(() => rej2(new Error(`no ${event} event within ${timeoutMs} ms: ${JSON.stringify(events)}`)), timeoutMs);
            const check = (): void => {
              const e = events.slice(after).find((x) => x.event === event);
              if (!e) return;
              clearTimeout(deadline);
              res2(e);
            };
            const prev = wake;
            wake = () => {
              prev();
              check();
            };
            check();
          }),
        close: () => req.destroy(),
      });
    });
    req.on('error', reject);
    req.end();
  });
}
