/**
 * The sockets table's SQL and rows, once for every backend: the read query (bound parameters), the
 * delete of periods about to be rewritten, and driver rows -> SocketRow.
 */
import { SOCKET_COLUMNS } from './schema.js';
import { num, str, type JsRow } from './rows.js';
import { ParamList, type BuiltQuery, type SqlDialect } from './sql.js';
import type { SocketQuery, SocketRow } from './store.js';

export const SOCKET_COLUMN_NAMES = SOCKET_COLUMNS.map((c) => c.name);

/** Addresses per IN list (queries) and ids per DELETE. */
export const SOCKET_BATCH = 500;

const TEXT_COLUMNS = ['period_id', 'host', 'proto', 'state', 'address', 'local_addr', 'remote_addr', 'comm', 'exe', 'cmdline', 'username', 'container'] as const;
const NUMBER_COLUMNS = ['local_port', 'remote_port', 'pid', 'interval_ms'] as const;

/**
 * Socket periods matching `q` (addresses: at most SOCKET_BATCH; the caller splits). `table` is
 * `sockets`, or `sockets FINAL` on ClickHouse, where a rewritten period is a second row until merged.
 */
export function socketsQuery(q: SocketQuery, d: SqlDialect, table = 'sockets'): BuiltQuery {
  const p = new ParamList(d);
  const where: string[] = [];
  if (q.addresses) where.push(q.addresses.length === 0 ? '1 = 0' : `address IN (${q.addresses.map((a) => p.bind({ type: 'text', value: a })).join(', ')})`);
  if (q.ports) where.push(q.ports.length === 0 ? '1 = 0' : `local_port IN (${q.ports.map((n) => p.bind({ type: 'int', value: n })).join(', ')})`);
  if (q.host !== undefined) where.push(`host = ${p.bind({ type: 'text', value: q.host })}`);
  if (q.state !== undefined) where.push(`state = ${p.bind({ type: 'text', value: q.state })}`);
  if (q.sinceMs !== undefined) where.push(`last_seen >= ${p.bind({ type: 'time', ms: q.sinceMs })}`);
  if (q.untilMs !== undefined) where.push(`first_seen <= ${p.bind({ type: 'time', ms: q.untilMs })}`);
  const cols = [...TEXT_COLUMNS, ...NUMBER_COLUMNS].join(', ');
  const sql = `SELECT ${cols}, ${d.epochMs('first_seen')} AS first_ms, ${d.epochMs('last_seen')} AS last_ms
FROM ${table}${where.length ? ` WHERE ${where.join(' AND ')}` : ''}
ORDER BY address, local_port, first_seen, period_id`;
  return { sql, params: p.params };
}

/** DELETEs of the stored versions of these periods (DuckDB, MariaDB), before they are written again. */
export function deleteSocketPeriodsQueries(rows: readonly SocketRow[], d: SqlDialect): BuiltQuery[] {
  const out: BuiltQuery[] = [];
  for (let i = 0; i < rows.length; i += SOCKET_BATCH) {
    const p = new ParamList(d);
    const ids = rows.slice(i, i + SOCKET_BATCH).map((r) => p.bind({ type: 'text', value: r.period_id }));
    out.push({ sql: `DELETE FROM sockets WHERE period_id IN (${ids.join(', ')})`, params: p.params });
  }
  return out;
}

export function socketFromRow(r: JsRow): SocketRow {
  const proto = str(r.proto) === 'udp' ? 'udp' : 'tcp';
  const state = str(r.state) === 'established' ? 'established' : 'listen';
  return {
    period_id: str(r.period_id), host: str(r.host), proto, state,
    address: str(r.address), local_addr: str(r.local_addr), local_port: num(r.local_port),
    remote_addr: str(r.remote_addr), remote_port: num(r.remote_port), pid: num(r.pid),
    comm: str(r.comm), exe: str(r.exe), cmdline: str(r.cmdline), username: str(r.username), container: str(r.container),
    interval_ms: num(r.interval_ms), first_seen: num(r.first_ms), last_seen: num(r.last_ms),
  };
}

/** A row's values in SOCKET_COLUMNS order; times are left as ms for the backend to convert. */
export function socketValues(r: SocketRow): Array<string | number> {
  return [
    r.period_id, r.host, r.proto, r.state, r.address, r.local_addr, r.local_port, r.remote_addr, r.remote_port,
    r.pid, r.comm, r.exe, r.cmdline, r.username, r.container, r.interval_ms, r.first_seen, r.last_seen,
  ];
}

/**
 * Store.sockets() for every backend: one query per SOCKET_BATCH addresses (or one without them), run
 * by the backend's `run`. `table` as socketsQuery's.
 */
export async function readSockets(query: SocketQuery, d: SqlDialect, run: (q: BuiltQuery) => Promise<JsRow[]>, table?: string): Promise<SocketRow[]> {
  const out: SocketRow[] = [];
  for (const addresses of addressBatches(query.addresses)) {
    for (const r of await run(socketsQuery({ ...query, addresses }, d, table))) out.push(socketFromRow(r));
  }
  return out;
}

/** The address list in IN-list sized pieces; one unrestricted query when there is none. */
function addressBatches(addresses: readonly string[] | undefined): Array<readonly string[] | undefined> {
  if (addresses === undefined) return [undefined];
  const out: Array<readonly string[]> = [];
  for (let i = 0; i < addresses.length; i += SOCKET_BATCH) out.push(addresses.slice(i, i + SOCKET_BATCH));
  return out;
}
