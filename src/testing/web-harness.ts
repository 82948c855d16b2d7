/**
 * End-to-end harness for the map page: a real DuckDB store file with a known dataset, the real app
 * (in-process over real HTTP on 127.0.0.1; src/testing/server.ts starts `flowmap serve` processes),
 * and headless Debian Chromium watching for dialogs, page errors and CSP violations. Screenshots go
 * to a temp folder.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { loadConfig } from '../config/config.js';
import type { FlowRecord } from '../flow/record.js';
import type { NameRow } from '../names/names.js';
import { ServiceRegistry } from '../services/registry.js';
import { DuckDbStore } from '../store/duckdb.js';
import { apiDeps } from '../server/deps.js';
import { startServer } from '../server/server.js';
import { DEFAULT_WEB_ROOT } from '../server/static.js';
import { hasChromium, launchChromium } from './chromium.js';

/** What the page exposes for tests (web/src/app.ts TestHooks), as far as the tests read it. */
export interface PageHooks {
  cy: import('cytoscape').Core | null;
  graph: import('../api/types.js').DepGraph | null;
  state: Record<string, unknown>;
  draws: number;
  updates: number;
  lastDraw: { nodes: number; edges: number; addMs: number; layoutMs: number; layout: 'default' | 'draft' | 'cluster'; big: boolean; fast: boolean } | null;
  drawnAt: number;
  busy: number;
  /** The dependency view's answer while the map is dimmed to it. */
  deps: import('../api/types.js').DepsResponse | null;
  /** The Plan tab's own map and the plan it draws. */
  planCy: import('cytoscape').Core | null;
  plan: import('../api/types.js').PlanResponse | null;
  /** Compare mode's answer while the map is coloured by it. */
  diff: import('../api/types.js').DiffResponse | null;
  /** The busiest view's stacked chart: intervals, keys, each key's bytes and the running sums drawn. */
  stack: { t: string[]; keys: string[]; labels: string[]; raw: number[][]; cum: number[][] } | null;
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
  /** Without the trailing slash. */
  url: string;
  close(): Promise<void>;
}

/** The app in this process as `flowmap serve` runs it (startServer), over real HTTP on a free port. */
export async function startApp(dbPath: string, configPath?: string): Promise<Running & { store: DuckDbStore }> {
  const config = await loadConfig(configPath, {});
  const services = ServiceRegistry.builtin().withOverrides(config.services);
  const store = await DuckDbStore.open(dbPath);
  const server = await startServer(apiDeps({ store, spec: dbPath, config, services, version: 'e2e' }), { port: 0, listen: '127.0.0.1' });
  return {
    url: server.url.replace(/\/$/, ''),
    store,
    close: async () => {
      await server.close();
      await store.close();
    },
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

/** Why the page's end-to-end tests cannot run here (false: they can): no Chromium, or no built page. */
export function e2eSkip(): string | false {
  if (!hasChromium()) return 'needs chromium on PATH';
  return existsSync(join(DEFAULT_WEB_ROOT, 'index.html')) ? false : 'needs the built page (npm run build)';
}

/** One end-to-end suite's world: a store in a temp folder, the app over it, a watched Chromium page. */
export interface PageSession {
  dir: string;
  app: Running & { store: DuckDbStore };
  browser: Browser;
  w: Watched;
  page: Page;
  /** GET from the app: status and JSON body. */
  api<T>(path: string): Promise<{ status: number; body: T }>;
  /** Save a screenshot under this session's screenshot folder. */
  shot(name: string): Promise<Buffer>;
  close(): Promise<void>;
}

/**
 * Build the store with `dataset` in a fresh temp folder (`flowmap-NAME-…`), start the app on it and a
 * watched Chromium page; screenshots go to `NAME-shots`.
 */
export async function openPageSession(name: string, dataset: (dir: string) => Promise<{ db: string; config?: string }> | { db: string; config?: string }): Promise<PageSession> {
  const dir = mkdtempSync(join(tmpdir(), `flowmap-${name}-`));
  let app: (Running & { store: DuckDbStore }) | undefined;
  let browser: Browser | undefined;
  let w: Watched;
  try {
    const ds = await dataset(dir);
    app = await startApp(ds.db, ds.config);
    browser = await launchChromium();
    w = await watchedPage(browser);
  } catch (e) {
    // A half-started session must not keep the test process alive.
    await browser?.close();
    await app?.close();
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  const shots = screenshotDir(`${name}-shots`);
  const [started, chromium] = [app, browser];
  return {
    dir, app: started, browser: chromium, w, page: w.page,
    api: async <T>(path: string) => {
      const r = await fetch(`${started.url}${path}`);
      return { status: r.status, body: (await r.json()) as T };
    },
    shot: (n) => w.page.screenshot({ path: join(shots, `${n}.png`) }),
    close: async () => {
      await chromium.close();
      await started.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
