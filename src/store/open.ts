import { UsageError } from '../util/errors.js';
import { DuckDbStore, StoreBusyError } from './duckdb.js';
import { BACKENDS, resolveStoreSpec } from './resolve.js';
import type { Store } from './store.js';

export { BACKENDS, DEFAULT_DB, resolveStoreSpec } from './resolve.js';

/** The DuckDB path a spec names, or a UsageError for anything else. */
export function duckdbPath(spec: string): string {
  const s = spec.trim();
  if (s === '') throw new UsageError('--db: empty database path');
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(s);
  if (scheme) {
    const name = scheme[1].toLowerCase();
    const later = ['mysql', 'mariadb', 'clickhouse'].includes(name) ? ` (${name} support is planned, not available yet)` : '';
    throw new UsageError(`--db: unsupported store ${JSON.stringify(`${scheme[1]}://...`)}${later}; available: ${BACKENDS.join(', ')}`);
  }
  const p = s.startsWith('duckdb:') ? s.slice('duckdb:'.length) : s;
  if (p === '') throw new UsageError('--db: duckdb: needs a path, e.g. duckdb:flows.duckdb');
  return p;
}

/**
 * Open and initialise the store a spec names (undefined: FLOWMAP_DB or ./flowmap.duckdb).
 * `readOnly` suits query-only commands: several may share the file (none while a writer has it),
 * and a missing database is an error rather than silently created.
 */
export async function openStore(spec: string | undefined, opts: { readOnly?: boolean; lockWaitMs?: number } = {}): Promise<Store> {
  const path = duckdbPath(resolveStoreSpec(spec));
  const deadline = Date.now() + (opts.lockWaitMs ?? 0);
  let store: DuckDbStore;
  for (;;) {
    try {
      store = await DuckDbStore.open(path, opts);
      break;
    } catch (err) {
      // A live capture holds the file only while it appends a batch: wait for our turn.
      if (!(err instanceof StoreBusyError) || Date.now() >= deadline) throw err;
      await new Promise((resolve) => setTimeout(resolve, 25 + Math.random() * 50));
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
