/** One table renderer for the panels, the Tables tab and exporter health: sortable by any column. */
import { bytesEl, h, num, when } from './dom.js';

export interface Col<R> {
  key: string;
  header: string;
  kind: 'text' | 'number' | 'bytes' | 'time';
  value: (r: R) => string | number | null;
  /** Custom cell content (e.g. a link to the map); default: the value, formatted by kind. */
  cell?: (r: R) => Node | string;
  /** Left out when no row has a value (programs, known only where agents run), as in the CLI's tables. */
  optional?: boolean;
}

export interface TableOptions {
  /** Column key, `-` prefix for descending; empty = rows as given. */
  sort?: string;
  /** Header clicks call this with the new sort; without it the table is not sortable. */
  onSort?: (sort: string) => void;
  caption?: string;
  testId?: string;
}

function compare(a: string | number | null, b: string | number | null): number {
  if (a === null || b === null) return a === b ? 0 : a === null ? 1 : -1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a).localeCompare(String(b), 'en', { numeric: true });
}

export function sortRows<R>(rows: readonly R[], cols: readonly Col<R>[], sort: string): R[] {
  const desc = sort.startsWith('-');
  const col = cols.find((c) => c.key === sort.replace(/^-/, ''));
  if (!col) return [...rows];
  return [...rows].sort((x, y) => (desc ? -1 : 1) * compare(col.value(x), col.value(y)));
}

export function renderTable<R>(rows: readonly R[], all: readonly Col<R>[], opts: TableOptions = {}): HTMLTableElement {
  const cols = all.filter((c) => !c.optional || rows.some((r) => { const v = c.value(r); return v !== null && v !== ''; }));
  const sort = opts.sort ?? '';
  const sorted = sort ? sortRows(rows, cols, sort) : rows;
  const head = h('tr');
  for (const c of cols) {
    const numeric = c.kind === 'number' || c.kind === 'bytes';
    const th = h('th', { class: numeric ? 'num' : undefined, 'data-key': c.key, scope: 'col' }, c.header);
    if (opts.onSort) {
      const active = sort.replace(/^-/, '') === c.key;
      const desc = sort.startsWith('-');
      th.classList.add('sortable');
      if (active) th.setAttribute('aria-sort', desc ? 'descending' : 'ascending');
      th.title = 'Sort by this column';
      const onSort = opts.onSort;
      // First click on a numeric column sorts heaviest first; a second click flips it.
      th.addEventListener('click', () => onSort(active ? (desc ? c.key : `-${c.key}`) : numeric ? `-${c.key}` : c.key));
    }
    head.append(th);
  }
  const body = h('tbody');
  for (const r of sorted) {
    const tr = h('tr');
    for (const c of cols) {
      const v = c.value(r);
      let content: Node | string;
      if (c.cell) content = c.cell(r);
      else if (v === null || v === '') content = '-';
      else if (c.kind === 'bytes' && typeof v === 'number') content = bytesEl(v);
      else if (c.kind === 'number' && typeof v === 'number') content = num(v);
      else if (c.kind === 'time') content = when(String(v));
      else content = String(v);
      tr.append(h('td', { class: c.kind === 'number' || c.kind === 'bytes' ? 'num' : undefined }, content));
    }
    body.append(tr);
  }
  const table = h('table', { class: 'data', 'data-testid': opts.testId }, opts.caption ? h('caption', {}, opts.caption) : null, h('thead', {}, head), body);
  if (rows.length === 0) body.append(h('tr', {}, h('td', { colspan: String(cols.length), class: 'muted' }, 'nothing in this window')));
  return table;
}
