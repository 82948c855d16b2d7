/**
 * End-to-end harness for the map page: a real DuckDB store file with a known dataset, the real app
 * (in-process over real HTTP on 127.0.0.1, or a `flowmap serve` process), and headless Debian
 * Chromium watching for dialogs, page errors and CSP violations. Screenshots go to a temp folder.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { loadConfig } from '../../config/config.js';
import type { FlowRecord } from '../../flow/record.js';
import type { NameRow } from '../../names/names.js';
import { ServiceRegistry } from '../../services/registry.js';
import { DuckDbStore } from '../../store/duckdb.js';
import { CLI } from '../../testing/cli.js';
import { createApp } from '../app.js';
import { apiDeps } from '../deps.js';
import { DEFAULT_WEB_ROOT } from '../static.js';

/** What the page exposes for tests (web/src/app.ts TestHooks), as far as the tests read it. */
export interface PageHooks {
  cy: import('cytoscape').Core | null;
  graph: import('../api-types.js').DepGraph | null;
  state: Record<string, unknown>;
  draws: number;
  updates: number;
  lastDraw: { nodes: number; edges: number; layoutMs: number; big: boolean } | null;
  drawnAt: number;
  busy: number;
}

declare global {
  interface Window {
    __flowmap?: PageHooks;
  }
}

/** Fill a new DuckDB file with these records and names, and close it. */
export async function writeStore(path: string, records: readonly FlowRecord[], names: readonly NameRow[] = []): Promise<void> {
  const store = await DuckDbStore.open(path);
  try {
    await store.init();
    for (let i = 0; i < records.length; i += 50_000) await store.append(records.slice(i, i + 50_000));
    if (names.length) await store.appendNames(names);
  } finally {
    await store.close();
  }
}

export interface Running {
  url: string;
  /** The store the server answers from (in-process only): the test's reference answers. */
  store?: DuckDbStore;
  /** stderr of a serve process. */
  stderr?: () => string;
  close(): Promise<void>;
}

/** The app in this process, over real HTTP (port 0 = a free port). */
export async function startApp(dbPath: string, configPath?: string): Promise<Running & { store: DuckDbStore }> {
  const config = await loadConfig(configPath, {});
  const services = ServiceRegistry.builtin().withOverrides(config.services);
  const store = await DuckDbStore.open(dbPath);
  const app = createApp(apiDeps({ store, spec: dbPath, config, services, version: 'e2e' }), { webRoot: DEFAULT_WEB_ROOT, loopback: true });
  const server = await new Promise<Server>((resolve) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s as Server));
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    store,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await store.close();
    },
  };
}

/**
 * `flowmap serve` as its own process (as a user runs it). Resolves once it prints its URL; `ready`
 * also waits for the given stderr text (e.g. a collector's port).
 */
export async function startServe(args: string[], opts: { ready?: RegExp; env?: NodeJS.ProcessEnv } = {}): Promise<Running & { child: ChildProcess; match: RegExpExecArray | null }> {
  const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, FLOWMAP_DB: '', FLOWMAP_CONFIG: '', FLOWMAP_TOKEN: '', ...opts.env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  const found = await new Promise<{ url: string; match: RegExpExecArray | null }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`flowmap serve did not start within 30 s:\n${stderr}`)), 30_000);
    const check = (): void => {
      const u = /serving (http:\/\/[^\s/]+)\//.exec(stderr);
      const m = opts.ready ? opts.ready.exec(stderr) : null;
      if (u && (!opts.ready || m)) {
        clearTimeout(timer);
        resolve({ url: u[1], match: m });
      }
    };
    child.stderr?.on('data', (d: Buffer) => {
      stderr += d.toString();
      check();
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`flowmap serve exited (${code}):\n${stderr}`));
    });
  });
  child.removeAllListeners('exit');
  return {
    url: found.url,
    match: found.match,
    child,
    stderr: () => stderr,
    close: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        const kill = setTimeout(() => child.kill('SIGKILL'), 15_000);
        child.once('exit', () => {
          clearTimeout(kill);
          resolve();
        });
        child.kill('SIGTERM');
      }),
  };
}

/** A folder under the OS temp dir for screenshots (printed once, never inside the repo). */
export function screenshotDir(name: string): string {
  const dir = mkdtempSync(join(tmpdir(), `flowmap-${name}-`));
  process.stderr.write(`screenshots: ${dir}\n`);
  return dir;
}

export interface Watched {
  context: BrowserContext;
  page: Page;
  /** Dialogs opened (alert/confirm/prompt): any is a failure. */
  dialogs: string[];
  /** Uncaught page errors and console errors. */
  errors: string[];
  /** Content-Security-Policy violations reported by the page. */
  csp: string[];
}

/** A fresh browser context and page that records dialogs, errors and CSP violations. */
export async function watchedPage(browser: Browser, viewport = { width: 1400, height: 900 }): Promise<Watched> {
  const context = await browser.newContext({ viewport, acceptDownloads: true });
  const page = await context.newPage();
  const w: Watched = { context, page, dialogs: [], errors: [], csp: [] };
  page.on('dialog', (d) => {
    w.dialogs.push(`${d.type()}: ${d.message()}`);
    void d.dismiss();
  });
  page.on('pageerror', (e) => w.errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') w.errors.push(m.text());
  });
  await page.exposeFunction('__cspViolation', (text: string) => w.csp.push(text));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      (window as unknown as { __cspViolation(t: string): void }).__cspViolation(`${e.violatedDirective} ${e.blockedURI}`);
    });
  });
  return w;
}

/** Wait until the map has drawn `count` times in total and nothing is loading. */
export async function waitForDraw(page: Page, draws = 1, timeoutMs = 30_000): Promise<void> {
  await page.waitForFunction((n) => {
    const f = window.__flowmap;
    return f !== undefined && f.draws >= n && f.busy === 0;
  }, draws, { timeout: timeoutMs });
}

/** Wait until nothing is loading (graph, panel, tables). */
export async function waitIdle(page: Page, timeoutMs = 30_000): Promise<void> {
  await page.waitForFunction(() => window.__flowmap !== undefined && window.__flowmap.busy === 0, undefined, { timeout: timeoutMs });
}

/** Write a config file (YAML) into dir and return its path. */
export function writeConfig(dir: string, yaml: string): string {
  const p = join(dir, 'flowmap.yaml');
  writeFileSync(p, yaml);
  return p;
}
