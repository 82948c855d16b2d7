import type { DuckDbStore } from './duckdb.js';
import { parseStoreSpec, type StoreSpec } from './spec.js';
import { resolveStoreSpec } from './resolve.js';
import type { ManagedStore } from './store.js';

export { DEFAULT_DB, resolveStoreSpec } from './resolve.js';
export { parseStoreSpec } from './spec.js';

export interface OpenOptions {
  readOnly?: boolean;
  lockWaitMs?: number;
  /**
   * DuckDB's worker threads (default: one per core). A live writer's store thread asks for 1: the
   * engine's work then runs on that lowered-priority thread alone, and no engine thread spins beside
   * the thread reading datagrams.
   */
  engineThreads?: number;
}

/**
 * Open and initialise the store a spec names (undefined: FLOWMAP_DB or ./flowmap.duckdb).
 * `readOnly` suits query-only commands: several may share a DuckDB file (none while a writer has
 * it), and a missing database is an error rather than silently created. Each backend's driver is
 * loaded only when that backend is used.
 */
export async function openStore(spec: string | undefined, opts: OpenOptions = {}): Promise<ManagedStore> {
  return openParsed(parseStoreSpec(resolveStoreSpec(spec)), opts);
}

export async function openParsed(spec: StoreSpec, opts: OpenOptions = {}): Promise<ManagedStore> {
  let store: ManagedStore;
  switch (spec.kind) {
    case 'duckdb':
      store = await openDuckDb(spec.path, opts);
      break;
    case 'mariadb': {
      const { MariaDbStore } = await import('./mariadb.js');
      store = await MariaDbStore.open(spec, opts);
      break;
    }
    case 'clickhouse': {
      const { ClickHouseStore } = await import('./clickhouse.js');
      store = ClickHouseStore.open(spec, opts);
      break;
    }
  }
  try {
    await store.init();
  } catch (err) {
    await store.close();
    throw err;
  }
  return store;
}

async function openDuckDb(path: string, opts: OpenOptions): Promise<DuckDbStore> {
  const { DuckDbStore, StoreBusyError } = await import('./duckdb.js');
  const deadline = Date.now() + (opts.lockWaitMs ?? 0);
  for (;;) {
    try {
      return await DuckDbStore.open(path, opts);
    } catch (err) {
      // A live capture holds the file only while it appends a batch: wait for our turn.
      if (!(err instanceof StoreBusyError) || Date.now() >= deadline) throw err;
      await new Promise((resolve) => setTimeout(resolve, 25 + Math.random() * 50));
    }
  }
}
