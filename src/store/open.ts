import { UsageError } from '../util/errors.js';
import { DuckDbStore } from './duckdb.js';
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
export async function openStore(spec: string | undefined, opts: { readOnly?: boolean } = {}): Promise<Store> {
  const store = await DuckDbStore.open(duckdbPath(resolveStoreSpec(spec)), opts);
  try {
    await store.init();
  } catch (err) {
    await store.close();
    throw err;
  }
  return store;
}
