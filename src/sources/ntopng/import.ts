/**
 * Import ntopng's MariaDB/MySQL flow dump (`flowsv4` / `flowsv6`, formats.md §1) into a store.
 * Rows are read in `idx` order in batches; each batch goes into the store together with the last
 * idx it holds (a StoreMark in the target store), so an import stopped at any point (or a `--follow`
 * restarted later) resumes after the last stored row and never counts a row twice.
 */
import mariadb, { type Connection } from 'mariadb';
import type { FlowRecord } from '../../flow/record.js';
import type { ManagedStore } from '../../store/store.js';
import { FlowmapError, UsageError } from '../../util/errors.js';
import { ntopngRecord, type NtopngRow } from './rows.js';

export interface NtopngSource {
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
}

/** `ntopng+mariadb://user:pass@host:port/db` (or ntopng+mysql://). */
export function parseNtopngSpec(text: string): NtopngSource {
  const m = /^ntopng\+(mariadb|mysql):\/\//i.exec(text.trim());
  if (!m) throw new UsageError(`${JSON.stringify(text)}: expected ntopng+mariadb://user:pass@host[:port]/db`);
  let u: URL;
  try {
    u = new URL(text.trim().replace(/^ntopng\+/i, ''));
  } catch {
    throw new UsageError(`cannot parse ${JSON.stringify(text)} as a URL`);
  }
  const database = decodeURIComponent(u.pathname.replace(/^\//, ''));
  if (!/^[A-Za-z0-9_$]{1,64}$/.test(database)) throw new UsageError(`${JSON.stringify(text)}: name ntopng's database, e.g. ntopng+mariadb://ntopng:ntopng@host/ntopng`);
  return {
    host: u.hostname.replace(/^\[(.*)\]$/, '$1') || '127.0.0.1',
    port: u.port ? Number(u.port) : 3306,
    user: decodeURIComponent(u.username) || 'root',
    password: decodeURIComponent(u.password),
    database,
  };
}

export interface NtopngOptions {
  /** Table prefix (ntopng's --dump-flows prefix): tables PREFIXv4 and PREFIXv6. Default `flows`. */
  prefix?: string;
  /** Keep importing new rows until the signal aborts. */
  follow?: boolean;
  /** Poll interval in follow mode (ms). Default 2000. */
  pollMs?: number;
  /** Rows per batch. Default 20,000. */
  batchSize?: number;
  signal?: AbortSignal;
  /** After each stored batch. */
  onBatch?: (progress: NtopngTableSummary) => void;
  /** Each pass over the tables in follow mode (e.g. retention). */
  onIdle?: () => Promise<void>;
}

export interface NtopngTableSummary {
  table: string;
  /** Rows read (stored + skipped) in this run. */
  rows: number;
  records: number;
  skipped: Record<string, number>;
  /** idx of the last row stored (the resume position), 0 before any. */
  lastIdx: number;
  /** False when the table does not exist (e.g. no IPv6 traffic yet). */
  present: boolean;
}

interface TablePlan {
  name: string;
  v: 4 | 6;
  select: string;
  markKey: string;
  source: string;
}

/** Column list of a table, lower-cased; null when it does not exist. */
async function columns(conn: Connection, table: string): Promise<Set<string> | null> {
  const rows = (await conn.query('SELECT COLUMN_NAME AS c FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?', [table])) as { c: string }[];
  return rows.length ? new Set(rows.map((r) => r.c.toLowerCase())) : null;
}

function plan(src: NtopngSource, table: string, v: 4 | 6, cols: Set<string>): TablePlan {
  for (const need of ['idx', 'ip_src_addr', 'ip_dst_addr', 'l4_src_port', 'l4_dst_port', 'protocol', 'packets', 'first_switched', 'last_switched']) {
    if (!cols.has(need)) throw new FlowmapError(`${table}: no ${need.toUpperCase()} column: not an ntopng flow table`);
  }
  if (!cols.has('in_bytes')) {
    throw new FlowmapError(`${table}: no IN_BYTES column (an ntopng table from before its BYTES -> IN_BYTES/OUT_BYTES migration): start ntopng once to migrate it`);
  }
  const a = (c: string) => (v === 4 ? `INET_NTOA(${c})` : c);
  const opt = (c: string, as: string) => (cols.has(c.toLowerCase()) ? `${c} AS ${as}` : `NULL AS ${as}`);
  // Identifiers are checked (prefix) and quoted; values are bound.
  const select = `SELECT idx, VLAN_ID AS vlan, ${a('IP_SRC_ADDR')} AS src, L4_SRC_PORT AS srcPort, ${a('IP_DST_ADDR')} AS dst, L4_DST_PORT AS dstPort,
  PROTOCOL AS proto, IN_BYTES AS inBytes, ${opt('OUT_BYTES', 'outBytes')}, PACKETS AS packets, FIRST_SWITCHED AS first, LAST_SWITCHED AS last,
  ${cols.has('json') ? 'CAST(UNCOMPRESS(`JSON`) AS CHAR) AS json' : 'NULL AS json'}, ${opt('INTERFACE_ID', 'ifId')}
FROM \`${table}\` WHERE idx > ? ORDER BY idx LIMIT ?`;
  const where = `${src.host}:${src.port}/${src.database}/${table}`;
  return { name: table, v, select, markKey: `ntopng:${where}`, source: `ntopng:${src.host}/${src.database}` };
}

function toNumber(v: unknown): number | null {
  if (v === null || v === undefined) return null;
  const n = typeof v === 'bigint' ? Number(v) : Number(v);
  return Number.isFinite(n) ? n : null;
}

function toRow(r: Record<string, unknown>): NtopngRow {
  const s = (x: unknown) => (x === null || x === undefined ? null : Buffer.isBuffer(x) ? x.toString('utf8') : String(x));
  return {
    idx: toNumber(r.idx) ?? 0,
    vlan: toNumber(r.vlan),
    src: s(r.src),
    srcPort: toNumber(r.srcPort),
    dst: s(r.dst),
    dstPort: toNumber(r.dstPort),
    proto: toNumber(r.proto),
    inBytes: toNumber(r.inBytes),
    outBytes: toNumber(r.outBytes),
    packets: toNumber(r.packets),
    first: toNumber(r.first),
    last: toNumber(r.last),
    json: s(r.json),
    ifId: toNumber(r.ifId),
  };
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });

export async function connectNtopng(src: NtopngSource): Promise<Connection> {
  try {
    return await mariadb.createConnection({
      host: src.host, port: src.port, user: src.user, password: src.password, database: src.database,
      bigIntAsNumber: false, decimalAsNumber: false, connectTimeout: 5000,
    });
  } catch (e) {
    throw new FlowmapError(`cannot connect to ntopng's database ${src.database} at ${src.host}:${src.port} as ${src.user}: ${(e as Error).message}`, { cause: e });
  }
}

/** Import (and with `follow`, keep importing) both tables; returns a summary per table. */
export async function importNtopng(src: NtopngSource, store: ManagedStore, opts: NtopngOptions = {}): Promise<NtopngTableSummary[]> {
  const prefix = opts.prefix ?? 'flows';
  if (!/^[A-Za-z0-9_$]{1,60}$/.test(prefix)) throw new UsageError(`--table-prefix ${JSON.stringify(prefix)}: letters, digits and _ only`);
  const batchSize = opts.batchSize ?? 20_000;
  const conn = await connectNtopng(src);
  const summaries: NtopngTableSummary[] = ([4, 6] as const).map((v) => ({ table: `${prefix}v${v}`, rows: 0, records: 0, skipped: {}, lastIdx: 0, present: false }));
  try {
    const plans: (TablePlan | null)[] = [null, null];
    for (;;) {
      for (const [i, v] of ([4, 6] as const).entries()) {
        const sum = summaries[i];
        if (!plans[i]) {
          const cols = await columns(conn, sum.table);
          if (!cols) continue;
          plans[i] = plan(src, sum.table, v, cols);
          sum.present = true;
          sum.lastIdx = Number((await store.getMark(plans[i].markKey)) ?? 0);
        }
        await drain(conn, plans[i] as TablePlan, store, sum, batchSize, opts);
        if (opts.signal?.aborted) break;
      }
      if (!opts.follow || opts.signal?.aborted) break;
      await opts.onIdle?.();
      await sleep(opts.pollMs ?? 2000, opts.signal);
      if (opts.signal?.aborted) break;
    }
  } finally {
    await conn.end();
  }
  if (!summaries.some((s) => s.present)) {
    throw new UsageError(`no ntopng flow tables ${prefix}v4 / ${prefix}v6 in database ${src.database} at ${src.host}:${src.port} (see --table-prefix)`);
  }
  return summaries;
}

/** Read and store batches until the table has nothing newer than the mark. */
async function drain(conn: Connection, p: TablePlan, store: ManagedStore, sum: NtopngTableSummary, batchSize: number, opts: NtopngOptions): Promise<void> {
  for (;;) {
    const rows = (await conn.query({ sql: p.select, rowsAsArray: false }, [sum.lastIdx, batchSize])) as Record<string, unknown>[];
    if (rows.length === 0) return;
    const records: FlowRecord[] = [];
    let last = sum.lastIdx;
    for (const raw of rows) {
      const row = toRow(raw);
      last = Math.max(last, row.idx);
      const r = ntopngRecord(row, p.source);
      if ('record' in r) records.push(r.record);
      else sum.skipped[r.skip] = (sum.skipped[r.skip] ?? 0) + 1;
    }
    // The records and the position go in together: a restart resumes right after this batch.
    await store.append(records, { key: p.markKey, value: String(last) });
    sum.lastIdx = last;
    sum.rows += rows.length;
    sum.records += records.length;
    opts.onBatch?.(sum);
    if (rows.length < batchSize || opts.signal?.aborted) return;
  }
}
