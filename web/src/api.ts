/**
 * Talking to `flowmap serve`: the view state -> the API's filter parameters (the CLI's names), and
 * typed GETs. A 4xx answer's `error` text is thrown as ApiFailure so the page can show it inline.
 */
import type { ApiError, MetaResponse } from '../../src/api/types.js';
import type { ViewState } from './state.js';

export class ApiFailure extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
    this.name = 'ApiFailure';
  }
}

/** Requests started before the page's code had loaded (prefetch), by URL; each is used once. */
const early = new Map<string, Promise<Response>>();

const urlOf = (path: string, params?: URLSearchParams): string => (params && [...params.keys()].length ? `${path}?${params.toString()}` : path);

/** Start a GET now; the first getJson of the same URL takes its answer instead of asking again. */
export function prefetch(path: string, params?: URLSearchParams): void {
  const url = urlOf(path, params);
  early.set(url, fetch(url, { headers: { accept: 'application/json' } }));
}

export async function getJson<T>(path: string, params?: URLSearchParams, signal?: AbortSignal): Promise<T> {
  const url = urlOf(path, params);
  const pending = early.get(url);
  early.delete(url);
  const res = await (pending ?? fetch(url, { headers: { accept: 'application/json' }, signal }));
  if (!res.ok) {
    let message = `${res.status} ${res.statusText}`;
    try {
      const body = (await res.json()) as Partial<ApiError>;
      if (typeof body.error === 'string') message = body.error;
    } catch {
      // not JSON: keep the status line
    }
    throw new ApiFailure(res.status, message);
  }
  return (await res.json()) as T;
}

const PRESET_MS: Record<string, number> = { '15m': 15 * 60e3, '1h': 3600e3, '6h': 6 * 3600e3, '24h': 86_400e3, '7d': 7 * 86_400e3 };

export interface Window {
  since?: string;
  until?: string;
  /** What the page says about the window. */
  text: string;
}

/**
 * The time window of a preset. Presets count back from the server's clock; when the store's newest
 * record is older than the preset reaches, they count back from that record instead (so a store of
 * last week's capture still shows its last hour rather than nothing).
 */
export function timeWindow(s: ViewState, meta: MetaResponse | null): Window {
  if (s.range === 'custom') {
    const text = `${s.from ? s.from.replace('T', ' ').replace(/\.\d+Z$|Z$/, '') : 'start'} → ${s.to ? s.to.replace('T', ' ').replace(/\.\d+Z$|Z$/, '') : 'now'} UTC`;
    return { since: s.from || undefined, until: s.to || undefined, text };
  }
  const span = PRESET_MS[s.range];
  if (span === undefined) return { text: 'all data' };
  const now = meta ? Date.parse(meta.now) : Date.now();
  const last = meta?.stats.lastSeen ? Date.parse(meta.stats.lastSeen) : NaN;
  if (Number.isFinite(last) && last < now - span) {
    return {
      since: new Date(last - span).toISOString(),
      until: new Date(last).toISOString(),
      text: `last ${s.range} of data (newest record ${new Date(last).toISOString().slice(0, 19).replace('T', ' ')} UTC; nothing newer)`,
    };
  }
  return { since: new Date(now - span).toISOString(), text: `last ${s.range}` };
}

/** `443` -> port 443; `53/udp` -> port 53, proto udp; null when malformed. */
export function parseService(text: string): { port: string; proto?: string } | null {
  const m = /^\s*(\d{1,5})\s*(?:\/\s*([a-z0-9-]+))?\s*$/i.exec(text);
  return m ? { port: m[1], proto: m[2]?.toLowerCase() } : null;
}

/** The filter model's parameters (shared by graph, tables, details and exports). */
export function filterParams(s: ViewState, meta: MetaResponse | null): URLSearchParams {
  const q = new URLSearchParams();
  const list = (text: string): string[] => text.split(/[\s,]+/).filter((x) => x !== '');
  for (const v of list(s.subnet)) q.append('subnet', v);
  for (const v of list(s.exclude)) q.append('exclude', v);
  if (s.service.trim() !== '') {
    const svc = parseService(s.service);
    // A malformed service goes to the API as typed so its 400 message names the problem.
    if (!svc) q.set('port', s.service.trim());
    else {
      q.set('port', svc.port);
      if (svc.proto) q.set('proto', svc.proto);
    }
  }
  const w = timeWindow(s, meta);
  if (w.since) q.set('since', w.since);
  if (w.until) q.set('until', w.until);
  if (s.minBytes.trim() !== '') q.set('minBytes', s.minBytes.trim());
  return q;
}

/**
 * Most dependencies the map draws: 10,000 is the size it is built and measured for
 * (bench/web-scale.mjs); beyond, the rest is folded into "other" and the page says so.
 */
export const MAX_DRAWN_EDGES = 10_000;

/** Edges asked of /graph for the view's `top` (0 = all, within MAX_DRAWN_EDGES). */
export function drawnTop(s: ViewState): number {
  return s.top === 0 || s.top > MAX_DRAWN_EDGES ? MAX_DRAWN_EDGES : s.top;
}

/** Grouping as the API takes it: `apps` is hosts inside the applications flowmap finds (clusters=apps). */
function setGrouping(q: URLSearchParams, s: ViewState): void {
  if (s.groupBy === 'apps') {
    q.set('groupBy', 'host');
    q.set('clusters', 'apps');
  } else q.set('groupBy', s.groupBy);
}

/** /graph parameters: the filter plus grouping and the number of edges drawn. */
export function graphParams(s: ViewState, meta: MetaResponse | null): URLSearchParams {
  const q = filterParams(s, meta);
  setGrouping(q, s);
  q.set('top', String(drawnTop(s)));
  return q;
}

/** /export parameters: as the graph, but a file may hold every edge (`top` as the user set it). */
export function exportParams(s: ViewState, meta: MetaResponse | null): URLSearchParams {
  const q = filterParams(s, meta);
  setGrouping(q, s);
  q.set('top', String(s.top));
  return q;
}
