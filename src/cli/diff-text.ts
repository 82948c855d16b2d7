/**
 * `flowmap diff` for people (sections: added, removed, changed, new and gone hosts; exact numbers
 * unless on a terminal) and as CSV (one line per dependency that changed, with a `change` column).
 */
import type { DiffResult } from '../analysis/diff.js';
import type { HostRef } from '../analysis/types.js';
import { serviceLabel } from '../graph/model.js';
import { formatCsv, formatTable, sanitize, type Column } from '../query/format.js';
import type { EdgeRow } from '../store/store.js';

interface EdgeLine {
  change: 'added' | 'removed' | 'changed';
  client: string;
  server: string;
  port: number;
  proto: string;
  service: string | null;
  label: string;
  bytes_before: number;
  bytes_after: number;
  ratio: number | null;
}

interface HostLine {
  address: string;
  name: string | null;
  group: string | null;
  bytes: number;
}

const SECTION_COLUMNS = {
  added: [{ key: 'client' }, { key: 'server' }, { key: 'label', header: 'service' }, { key: 'bytes_after', header: 'bytes', kind: 'bytes' }],
  removed: [{ key: 'client' }, { key: 'server' }, { key: 'label', header: 'service' }, { key: 'bytes_before', header: 'bytes', kind: 'bytes' }],
  changed: [
    { key: 'client' }, { key: 'server' }, { key: 'label', header: 'service' },
    { key: 'bytes_before', header: 'before', kind: 'bytes' }, { key: 'bytes_after', header: 'after', kind: 'bytes' }, { key: 'ratio', kind: 'number' },
  ],
} satisfies Record<EdgeLine['change'], Column<EdgeLine>[]>;

const CSV_COLUMNS: Column<EdgeLine>[] = [
  { key: 'change' }, { key: 'client' }, { key: 'server' }, { key: 'port' }, { key: 'proto' }, { key: 'service' },
  { key: 'bytes_before' }, { key: 'bytes_after' }, { key: 'ratio' },
];

const HOST_COLUMNS: Column<HostLine>[] = [{ key: 'address' }, { key: 'name' }, { key: 'group' }, { key: 'bytes', kind: 'bytes' }];

function edgeLines(d: DiffResult): EdgeLine[] {
  const line = (change: EdgeLine['change'], e: Pick<EdgeRow, 'client' | 'server' | 'port' | 'proto' | 'service'>, before: number, after: number, ratio: number | null): EdgeLine => ({
    change, client: e.client, server: e.server, port: e.port, proto: e.proto, service: e.service, label: serviceLabel(e), bytes_before: before, bytes_after: after, ratio,
  });
  return [
    ...d.added.map((e) => line('added', e, 0, e.bytes, null)),
    ...d.removed.map((e) => line('removed', e, e.bytes, 0, null)),
    ...d.changed.map((c) => line('changed', c, c.bytes_before, c.bytes_after, c.ratio)),
  ];
}

export function diffCsv(d: DiffResult): string {
  return formatCsv(edgeLines(d), CSV_COLUMNS);
}

export function diffText(d: DiffResult, tty: boolean): string {
  const lines = edgeLines(d);
  const out: string[] = [`before ${d.before.from} .. ${d.before.to} (${d.before.seconds} s), after ${d.after.from} .. ${d.after.to} (${d.after.seconds} s)`, ''];
  const section = (title: string, body: string): void => {
    out.push(title, ...body.trimEnd().split('\n').map((l) => `  ${l}`), '');
  };
  const how = `; after/before of ${d.compared === 'rates' ? 'rates (bytes per second)' : 'bytes'}, threshold ${d.threshold}`;
  for (const change of ['added', 'removed', 'changed'] as const) {
    const rows = lines.filter((l) => l.change === change);
    if (rows.length) section(`dependencies ${change} (${rows.length}${change === 'changed' ? how : ''})`, formatTable(rows, SECTION_COLUMNS[change], { tty }));
  }
  const hosts = (title: string, list: ReadonlyArray<HostRef & { bytes: number }>): void => {
    if (list.length) section(`${title} (${list.length})`, formatTable(list, HOST_COLUMNS, { tty }));
  };
  hosts('hosts new', d.hosts_added);
  hosts('hosts gone', d.hosts_removed);
  out.push(sanitize(`${d.unchanged} dependencies unchanged`));
  return `${out.join('\n')}\n`;
}
