/**
 * `--db` / FLOWMAP_DB text -> which backend and how to reach it. Pure parsing: no engine is loaded.
 *   PATH | duckdb:PATH                                  embedded DuckDB file
 *   mariadb://user:pass@host:port/db  (or mysql://)     MariaDB / MySQL
 *   clickhouse://user:pass@host:8123/db[?cluster=NAME&shards=host:port,host:port]
 */
import { UsageError } from '../util/errors.js';

export interface DuckDbSpec {
  kind: 'duckdb';
  path: string;
}

export interface MariaDbSpec {
  kind: 'mariadb';
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
}

export interface ClickHouseSpec {
  kind: 'clickhouse';
  /** HTTP endpoint of the node flowmap talks to, e.g. `http://127.0.0.1:8123`. */
  url: string;
  user: string;
  password: string;
  database: string;
  /** Cluster name (from the servers' remote_servers): shard tables + a Distributed table. */
  cluster?: string;
  /**
   * HTTP endpoints of every shard, for the DDL (ClickHouse 18.16 runs ON CLUSTER DDL only with
   * ZooKeeper). Default: the cluster's hosts from system.clusters on the same HTTP port.
   */
  shards?: string[];
}

export type StoreSpec = DuckDbSpec | MariaDbSpec | ClickHouseSpec;

export const BACKEND_HELP = [
  'duckdb (a file path, or duckdb:PATH)',
  'mariadb://user:pass@host:port/db (or mysql://)',
  'clickhouse://user:pass@host:8123/db[?cluster=NAME]',
];

const SCHEME = /^([a-z][a-z0-9+.-]*):\/\//i;

/** A database name flowmap will create or use: plain identifiers only (they cannot be bound as parameters). */
function dbName(url: URL, what: string): string {
  const name = decodeURIComponent(url.pathname.replace(/^\//, ''));
  if (name === '') throw new UsageError(`--db: ${what} needs a database name, e.g. ${what}://user@host/flowmap`);
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,63}$/.test(name)) throw new UsageError(`--db: database name ${JSON.stringify(name)}: use letters, digits and _ only`);
  return name;
}

function parseUrl(s: string): URL {
  try {
    return new URL(s);
  } catch {
    throw new UsageError(`--db: cannot parse ${JSON.stringify(redact(s))} as a URL`);
  }
}

/** Which backend a spec names and how to show it (a DuckDB path, else the URL without its password). */
export function storeDisplay(spec: string): { backend: StoreSpec['kind']; display: string } {
  const parsed = parseStoreSpec(spec);
  return { backend: parsed.kind, display: parsed.kind === 'duckdb' ? parsed.path : redact(spec.trim()) };
}

/** The spec without its password, for messages. */
export function redact(spec: string): string {
  return spec.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:@/]*):[^@/]*@/i, '$1:***@');
}

export function parseStoreSpec(spec: string): StoreSpec {
  const s = spec.trim();
  if (s === '') throw new UsageError('--db: empty database path');
  const scheme = SCHEME.exec(s);
  if (!scheme) {
    const path = s.startsWith('duckdb:') ? s.slice('duckdb:'.length) : s;
    if (path === '') throw new UsageError('--db: duckdb: needs a path, e.g. duckdb:flows.duckdb');
    return { kind: 'duckdb', path };
  }
  const name = scheme[1].toLowerCase();
  if (name === 'mariadb' || name === 'mysql') {
    const u = parseUrl(s);
    return {
      kind: 'mariadb',
      host: u.hostname.replace(/^\[(.*)\]$/, '$1') || '127.0.0.1',
      port: u.port ? Number(u.port) : 3306,
      user: decodeURIComponent(u.username) || 'root',
      password: decodeURIComponent(u.password),
      database: dbName(u, name),
    };
  }
  if (name === 'clickhouse') {
    const u = parseUrl(s);
    const known = new Set(['cluster', 'shards']);
    for (const k of u.searchParams.keys()) if (!known.has(k)) throw new UsageError(`--db: unknown ClickHouse option ${JSON.stringify(k)} (known: cluster, shards)`);
    const cluster = u.searchParams.get('cluster') ?? undefined;
    const shardsText = u.searchParams.get('shards');
    if (shardsText !== null && !cluster) throw new UsageError('--db: shards= needs cluster=NAME');
    const shards = shardsText?.split(',').map((h) => {
      const x = h.trim();
      if (!/^[A-Za-z0-9.-]+:\d+$|^\[[0-9a-fA-F:]+\]:\d+$/.test(x)) throw new UsageError(`--db: shard ${JSON.stringify(x)}: expected host:port`);
      return `http://${x}`;
    });
    return {
      kind: 'clickhouse',
      url: `http://${u.hostname || '127.0.0.1'}:${u.port || 8123}`,
      user: decodeURIComponent(u.username) || 'default',
      password: decodeURIComponent(u.password),
      database: dbName(u, name),
      ...(cluster ? { cluster } : {}),
      ...(shards ? { shards } : {}),
    };
  }
  throw new UsageError(`--db: unsupported store ${JSON.stringify(`${scheme[1]}://...`)}; available: ${BACKEND_HELP.join('; ')}`);
}
