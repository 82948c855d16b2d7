/**
 * The whole view (filters, time range, grouping, selection, tab) as one plain object that lives in
 * the URL's query string, so a reload or a shared link restores it and back/forward walk through it.
 */

export const TABS = ['map', 'tables', 'busiest', 'plan', 'exporters'] as const;
export type Tab = (typeof TABS)[number];
export const TABLES = ['edges', 'talkers', 'services', 'processes'] as const;
export type TableKind = (typeof TABLES)[number];
/** What the stacked top-N-per-interval chart ranks (`stack` in the URL). */
export const STACKS = ['edges', 'talkers', 'services', 'interfaces'] as const;
export type StackKind = (typeof STACKS)[number];
export const PRESETS = ['15m', '1h', '6h', '24h', '7d', 'all'] as const;
export type Preset = (typeof PRESETS)[number];
/** Bucket widths of the rate charts (`auto`: the API picks, at most 500 buckets). */
export const BUCKETS = ['auto', '1m', '5m', '15m', '1h'] as const;
export type Bucket = (typeof BUCKETS)[number];
/** Interval widths of the top-N-per-interval chart. */
export const PERS = ['1m', '5m', '15m', '1h'] as const;
export type Per = (typeof PERS)[number];

export interface ViewState {
  tab: Tab;
  /** A preset, or `custom` (then from/to). */
  range: Preset | 'custom';
  /** Custom window, ISO 8601 UTC; empty = open. */
  from: string;
  to: string;
  /** Comma-separated CIDRs / addresses, as typed. */
  subnet: string;
  exclude: string;
  /** `443`, `53/udp`, or empty. */
  service: string;
  minBytes: string;
  groupBy: string;
  /** Edges drawn (0 = all). */
  top: number;
  /** Selected element: `n:<node key>` or `e:<client key>|<server key>|<port>|<proto>`, or empty. */
  sel: string;
  /** Config groups drawn collapsed (one node). */
  collapsed: string[];
  table: TableKind;
  /** Table sort: column key, `-` prefix for descending. */
  sort: string;
  /** Bucket width of the rate charts (panels, busiest view). */
  bucket: Bucket;
  /** The busiest view's top-N-per-interval chart: what it ranks and per what interval. */
  stack: StackKind;
  per: Per;
  /** Compare mode (`flowmap diff`): the two windows FROM..TO (both set: on) and the threshold. */
  cmpBefore: string;
  cmpAfter: string;
  cmpThreshold: string;
}

export const DEFAULT_TOP = 500;

export function defaultState(): ViewState {
  return {
    tab: 'map', range: 'all', from: '', to: '', subnet: '', exclude: '', service: '', minBytes: '', groupBy: 'host',
    top: DEFAULT_TOP, sel: '', collapsed: [], table: 'edges', sort: '', bucket: 'auto', stack: 'edges', per: '5m',
    cmpBefore: '', cmpAfter: '', cmpThreshold: '',
  };
}

const oneOf = <T extends string>(xs: readonly T[], v: string | null, dflt: T): T => (v !== null && (xs as readonly string[]).includes(v) ? (v as T) : dflt);

/** State from a query string; unknown or malformed values fall back to the defaults. */
export function parseState(search: string): ViewState {
  const q = new URLSearchParams(search);
  const d = defaultState();
  const topText = q.get('top');
  const top = topText !== null && /^\d{1,7}$/.test(topText) ? Number(topText) : d.top;
  return {
    tab: oneOf(TABS, q.get('tab'), d.tab),
    range: oneOf([...PRESETS, 'custom'] as const, q.get('range'), d.range),
    from: q.get('from') ?? '',
    to: q.get('to') ?? '',
    subnet: q.get('subnet') ?? '',
    exclude: q.get('exclude') ?? '',
    service: q.get('service') ?? '',
    minBytes: q.get('minBytes') ?? '',
    groupBy: q.get('groupBy') ?? d.groupBy,
    top,
    sel: q.get('sel') ?? '',
    collapsed: (q.get('collapsed') ?? '').split('\n').filter((s) => s !== ''),
    table: oneOf(TABLES, q.get('table'), d.table),
    sort: q.get('sort') ?? '',
    bucket: oneOf(BUCKETS, q.get('bucket'), d.bucket),
    stack: oneOf(STACKS, q.get('stack'), d.stack),
    per: oneOf(PERS, q.get('per'), d.per),
    cmpBefore: q.get('cmpBefore') ?? '',
    cmpAfter: q.get('cmpAfter') ?? '',
    cmpThreshold: q.get('cmpThreshold') ?? '',
  };
}

/** Query string holding only what differs from the defaults (short shared links). */
export function stateQuery(s: ViewState): string {
  const d = defaultState();
  const q = new URLSearchParams();
  for (const k of Object.keys(d) as Array<keyof ViewState>) {
    const v = s[k];
    if (k === 'collapsed') {
      if (s.collapsed.length) q.set(k, s.collapsed.join('\n'));
    } else if (v !== d[k]) q.set(k, String(v));
  }
  const text = q.toString();
  return text ? `?${text}` : '';
}

/** A selected node's key, or null. */
export function selectedNode(s: ViewState): string | null {
  return s.sel.startsWith('n:') ? s.sel.slice(2) : null;
}

export interface EdgeSel {
  client: string;
  server: string;
  port: number;
  proto: string;
}

export function edgeSel(e: EdgeSel): string {
  return `e:${e.client}|${e.server}|${e.port}|${e.proto}`;
}

export function selectedEdge(s: ViewState): EdgeSel | null {
  if (!s.sel.startsWith('e:')) return null;
  const parts = s.sel.slice(2).split('|');
  if (parts.length !== 4 || !/^\d+$/.test(parts[2])) return null;
  return { client: parts[0], server: parts[1], port: Number(parts[2]), proto: parts[3] };
}
