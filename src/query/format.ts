/**
 * Rendering rows for people (aligned table) and machines (JSON, CSV). Data goes to stdout; callers
 * decide TTY-ness.
 */
import type { TopKind, TopRows } from '../store/store.js';
import { formatBytes } from '../util/bytes.js';
import type { ProcessRow } from './processes.js';

export type Cell = string | number | boolean | null | undefined;
export type Row = object;

export interface Column<T extends Row = Row> {
  key: keyof T & string;
  /** Header text; defaults to the key. */
  header?: string;
  /** `bytes` shows human units on a TTY; `number` and `bytes` are right-aligned. */
  kind?: 'text' | 'number' | 'bytes';
  /** Left out of a text table when no row has a value (programs, known only where agents run). */
  optional?: boolean;
}

/** A row's value; a list (e.g. a service's programs) is one cell, its items joined. */
function cell<T extends Row>(row: T, key: keyof T & string): Cell {
  const v = (row as Record<string, Cell | readonly Cell[]>)[key];
  return Array.isArray(v) ? v.join(' ') : (v as Cell);
}

const empty = (v: Cell): boolean => v === null || v === undefined || v === '';

/** JSON array, one row object per element (stable key order as produced). */
export function formatJson(rows: readonly Row[]): string {
  return `${JSON.stringify(rows, null, 2)}\n`;
}

const PLAIN_NUMBER = /^-?\d+(\.\d+)?$/;

/**
 * A CSV cell: spreadsheet formula triggers (= + - @ TAB CR) get a leading `'` so hostile text from
 * the network cannot run as a formula; plain (negative) numbers stay numeric. RFC 4180 quoting.
 */
export function csvCell(v: Cell): string {
  if (v === null || v === undefined) return '';
  let s = String(v);
  if (typeof v !== 'number' && /^[=+\-@\t\r]/.test(s) && !PLAIN_NUMBER.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** RFC 4180 CSV (CRLF line ends) with a header row. */
export function formatCsv<T extends Row>(rows: readonly T[], columns: readonly Column<T>[]): string {
  const lines = [columns.map((c) => csvCell(c.header ?? c.key)).join(',')];
  for (const r of rows) lines.push(columns.map((c) => csvCell(cell(r, c.key))).join(','));
  return `${lines.join('\r\n')}\r\n`;
}

// C0/C1 controls, DEL, and bidi/zero-width formatting characters (which can disguise text).
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g;

/** Make text from the network safe to print on a terminal: controls become visible escapes. */
export function sanitize(s: string): string {
  return s.replace(UNSAFE, (ch) => {
    const c = ch.charCodeAt(0);
    return c < 0x100 ? `\\x${c.toString(16).padStart(2, '0')}` : `\\u${c.toString(16).padStart(4, '0')}`;
  });
}

/**
 * Aligned text table. On a TTY byte columns use decimal units (`1.2 GB`); otherwise numbers are
 * exact so the output can be diffed and parsed. Numbers right-aligned; text sanitised.
 */
export function formatTable<T extends Row>(rows: readonly T[], all: readonly Column<T>[], opts: { tty: boolean }): string {
  const columns = all.filter((c) => !c.optional || rows.some((r) => !empty(cell(r, c.key))));
  const header = columns.map((c) => sanitize(c.header ?? c.key));
  const body = rows.map((r) =>
    columns.map((c) => {
      const v = cell(r, c.key);
      if (empty(v)) return '-';
      if (typeof v === 'number') return opts.tty && c.kind === 'bytes' ? formatBytes(v) : String(v);
      return sanitize(String(v));
    }),
  );
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const right = columns.map((c) => c.kind === 'number' || c.kind === 'bytes');
  const line = (cells: string[]): string =>
    cells
      .map((s, i) => (right[i] ? s.padStart(widths[i]) : i === cells.length - 1 ? s : s.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  return `${[line(header), ...body.map(line)].join('\n')}\n`;
}

/** Default columns per top kind, shared by CLI, exports and the web API. */
export const TOP_COLUMNS: { [K in TopKind]: Column<TopRows[K][number]>[] } = {
  edges: [
    { key: 'client' }, { key: 'server' }, { key: 'port', kind: 'number' }, { key: 'proto' }, { key: 'service' },
    { key: 'server_process', optional: true }, { key: 'client_process', optional: true },
    { key: 'bytes_c2s', kind: 'bytes' }, { key: 'bytes_s2c', kind: 'bytes' }, { key: 'bytes', kind: 'bytes' },
    { key: 'packets', kind: 'number' }, { key: 'connections', kind: 'number' }, { key: 'first_seen' }, { key: 'last_seen' },
  ],
  talkers: [
    { key: 'host' }, { key: 'bytes_sent', kind: 'bytes' }, { key: 'bytes_received', kind: 'bytes' }, { key: 'bytes', kind: 'bytes' },
    { key: 'packets', kind: 'number' }, { key: 'peers', kind: 'number' }, { key: 'connections', kind: 'number' },
    { key: 'first_seen' }, { key: 'last_seen' },
  ],
  services: [
    { key: 'port', kind: 'number' }, { key: 'proto' }, { key: 'service' }, { key: 'processes', optional: true }, { key: 'servers', kind: 'number' },
    { key: 'clients', kind: 'number' }, { key: 'bytes_c2s', kind: 'bytes' }, { key: 'bytes_s2c', kind: 'bytes' },
    { key: 'bytes', kind: 'bytes' }, { key: 'packets', kind: 'number' }, { key: 'connections', kind: 'number' },
    { key: 'first_seen' }, { key: 'last_seen' },
  ],
  flows: [
    { key: 'client' }, { key: 'client_port', kind: 'number' }, { key: 'server' }, { key: 'port', kind: 'number' },
    { key: 'proto' }, { key: 'vlan', kind: 'number' }, { key: 'service' }, { key: 'server_process', optional: true }, { key: 'client_process', optional: true }, { key: 'bytes_c2s', kind: 'bytes' },
    { key: 'bytes_s2c', kind: 'bytes' }, { key: 'bytes', kind: 'bytes' }, { key: 'packets', kind: 'number' },
    { key: 'records', kind: 'number' }, { key: 'first_seen' }, { key: 'last_seen' },
  ],
  interfaces: [
    { key: 'exporter' }, { key: 'if_index', kind: 'number' }, { key: 'if_name' }, { key: 'bytes_in', kind: 'bytes' },
    { key: 'bytes_out', kind: 'bytes' }, { key: 'bytes', kind: 'bytes' }, { key: 'packets_in', kind: 'number' },
    { key: 'packets_out', kind: 'number' }, { key: 'first_seen' }, { key: 'last_seen' },
  ],
};

/** Columns of `top --by processes` (query/processes.ts ProcessRow). */
export const PROCESS_COLUMNS: Column<ProcessRow>[] = [
  { key: 'host' }, { key: 'process' }, { key: 'ports' }, { key: 'bytes_served', kind: 'bytes' }, { key: 'bytes_used', kind: 'bytes' },
  { key: 'bytes', kind: 'bytes' }, { key: 'clients', kind: 'number' }, { key: 'servers', kind: 'number' },
  { key: 'connections', kind: 'number' }, { key: 'first_seen' }, { key: 'last_seen' },
];
