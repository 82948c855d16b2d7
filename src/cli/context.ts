import type { Command } from 'commander';
import { loadConfig } from '../config/config.js';
import { type FlowmapConfig } from '../config/model.js';
import { ServiceRegistry } from '../services/registry.js';
import { resolveStoreSpec } from '../store/resolve.js';
import type { ManagedStore, Store } from '../store/store.js';
import { WorkerStore } from '../store/worker-store.js';
import { parseDuration } from '../util/duration.js';
import { UsageError } from '../util/errors.js';
import { say } from './exit.js';

/** Options every command accepts (declared once on the program). */
export interface GlobalOptions {
  config?: string;
  db?: string;
  retention?: string;
}

export interface CliContext {
  config: FlowmapConfig;
  services: ServiceRegistry;
  /** The store spec in force: --db, then FLOWMAP_DB, then the config file, then the default. */
  dbSpec: string;
  /** --retention, else the config's `retention`: writers delete records that ended longer ago. */
  retentionMs?: number;
}

/** How long a query waits for a writer (a live capture appending a batch) to release the file. */
const READER_LOCK_WAIT_MS = 10_000;

/** `configFile`: this config file instead of the one the options or the environment name (the demo's own). */
export async function cliContext(cmd: Command, configFile?: string): Promise<CliContext> {
  const g = cmd.optsWithGlobals<GlobalOptions>();
  const config = await loadConfig(configFile ?? g.config);
  const services = ServiceRegistry.builtin().withOverrides(config.services);
  const retentionMs = g.retention !== undefined ? parseDuration(g.retention, '--retention') : config.retentionMs;
  if (retentionMs !== undefined && retentionMs <= 0) throw new UsageError('--retention: must be more than 0');
  return { config, services, dbSpec: resolveStoreSpec(g.db, config), ...(retentionMs === undefined ? {} : { retentionMs }) };
}

/** Retention, as every writer applies it: delete what ended before now - retention. */
export async function applyRetention(ctx: CliContext, store: ManagedStore, nowMs = Date.now()): Promise<number> {
  if (ctx.retentionMs === undefined) return 0;
  const cutoff = nowMs - ctx.retentionMs;
  const n = await store.purge(cutoff);
  if (n > 0) say(`retention: removed ${n} records that ended before ${new Date(cutoff).toISOString()}`);
  return n;
}

/**
 * Open the store, run fn, and always close it (closing checkpoints DuckDB's WAL). Writers that
 * ingest traffic use `worker: true`: the store then loads and appends in its own thread, in
 * parallel with packet decoding. Long-running writers add `shared: true`: the file is open only
 * while a batch is appended, so queries can run meanwhile.
 */
export async function withStore<T>(
  ctx: CliContext,
  fn: (store: Store, ready: Promise<void>) => Promise<T>,
  opts: { readOnly?: boolean; worker?: boolean; shared?: boolean; backlogRecords?: number } = {},
): Promise<T> {
  let store: Store;
  let ready: Promise<void>;
  if (opts.worker) {
    store = new WorkerStore(ctx.dbSpec, opts);
    // Opening runs in the worker while the caller starts reading; `ready` tells when it failed.
    ready = store.init();
    ready.catch(() => undefined);
  } else {
    // Loaded on demand: the database engine is heavy, and writers load it in their worker instead.
    const { openStore } = await import('../store/open.js');
    // Readers wait briefly for a live capture's append to finish instead of failing at once.
    store = await openStore(ctx.dbSpec, { ...opts, lockWaitMs: opts.readOnly ? READER_LOCK_WAIT_MS : 0 });
    ready = Promise.resolve();
  }
  let result: T;
  try {
    result = await fn(store, ready);
  } finally {
    await store.close();
  }
  if (!opts.readOnly && ctx.retentionMs !== undefined) await withManagedStore(ctx, (s) => applyRetention(ctx, s));
  return result;
}

/**
 * Open the store itself (not through the ingest worker), for imports, copies and retention; run fn
 * and always close it.
 */
export async function withManagedStore<T>(ctx: CliContext, fn: (store: ManagedStore) => Promise<T>): Promise<T> {
  const { openStore } = await import('../store/open.js');
  const store = await openStore(ctx.dbSpec, { lockWaitMs: READER_LOCK_WAIT_MS });
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}
