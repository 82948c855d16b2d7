/**
 * Reading ntopng's MariaDB/MySQL flow dump (`flowsv4` / `flowsv6`, formats.md §1): which tables and
 * columns a dump has, and batches of rows in `idx` order after a given idx, as FlowRecords.
 * pipeline/ntopng-import.ts stores them with their resume position.
 */
import mariadb, { type Connection } from 'mariadb';
import type { FlowRecord } from '../../flow/record.js';
import { FlowmapError, UsageError } from '../../util/errors.js';
import { ntopngRecord, type NtopngRow } from './rows.js';
import { ConversationMemory } from '../../flow/conversation-memory.js';

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

/** How one table is read: its SELECT, and the names its records and resume mark carry. */
export interface TablePlan {
  name: string;
  v: 4 | 6;
  select: string;
  markKey: string;
  source: string;
  /** The table's conversations already read, to tell a flow's first dump from its later ones (rows.ts). */
  conversations: ConversationMemory<string>;
}

/** Column list of a table, lower-cased; null when it does not exist. */
export async function columns(conn: Connection, table: string): Promise<Set<string> | null> {
  const rows = (await conn.query('SELECT COLUMN_NAME AS c FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?', [table])) as { c: string }[];
  return rows.length ? new Set(rows.map((r) => r.c.toLowerCase())) : null;
}

export function plan(src: NtopngSource, table: string, v: 4 | 6, cols: Set<string>): TablePlan {
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
  return { name: table, v, select, markKey: `ntopng:${where}`, source: `ntopng:${src.host}/${src.database}`, conversations: new ConversationMemory<string>() };
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

/** One batch read: the rows after `afterIdx` (at most `limit`), as records, with what was skipped and why. */
export interface NtopngBatch {
  rows: number;
  records: FlowRecord[];
  skipped: Record<string, number>;
  /** The highest idx read (afterIdx when none). */
  lastIdx: number;
}

export async function readBatch(conn: Connection, p: TablePlan, afterIdx: number, limit: number): Promise<NtopngBatch> {
  const rows = (await conn.query({ sql: p.select, rowsAsArray: false }, [afterIdx, limit])) as Record<string, unknown>[];
  const batch: NtopngBatch = { rows: rows.length, records: [], skipped: {}, lastIdx: afterIdx };
  for (const raw of rows) {
    const row = toRow(raw);
    batch.lastIdx = Math.max(batch.lastIdx, row.idx);
    const r = ntopngRecord(row, p.source, p.conversations);
    if ('record' in r) batch.records.push(r.record);
    else batch.skipped[r.skip] = (batch.skipped[r.skip] ?? 0) + 1;
  }
  return batch;
}
