/**
 * Drift between two windows (`flowmap diff`): the dependencies (client, server, port, proto) that
 * appeared, went away, or moved by the threshold or more, and the hosts that appeared or went away.
 * A pure function of the two windows' scopes, so the CLI, the API and the tests compute the same.
 */
import type { EdgeRow } from '../store/store.js';
import { isoMs } from '../util/time.js';
import { compareAddresses, hostRef, type Scope } from './scope.js';
import type { DiffChange, DiffHost, DiffResult, DiffWindow } from './types.js';

export type { DiffChange, DiffHost, DiffResult, DiffWindow } from './types.js';

/** A window in epoch ms, FROM before TO. */
export interface TimeWindow {
  fromMs: number;
  toMs: number;
}

export interface DiffOptions {
  before: TimeWindow;
  after: TimeWindow;
  /** Above 1: a ratio of at least this, or at most its inverse, is a change. */
  threshold: number;
  /** A dependency counts when its bytes in either window reach this (not per window: it would fake adds and removals). */
  minBytes?: number;
}

export const DEFAULT_THRESHOLD = 2;

const edgeKey = (e: Pick<EdgeRow, 'client' | 'server' | 'port' | 'proto'>): string => `${e.client} ${e.server} ${e.port} ${e.proto}`;

/** Edge identity order: client, server (numeric for IPv4), port, protocol. */
function compareKeys(a: Pick<EdgeRow, 'client' | 'server' | 'port' | 'proto'>, b: Pick<EdgeRow, 'client' | 'server' | 'port' | 'proto'>): number {
  return compareAddresses(a.client, b.client) || compareAddresses(a.server, b.server) || a.port - b.port || (a.proto < b.proto ? -1 : a.proto > b.proto ? 1 : 0);
}

/** Six significant digits: enough to read, stable to compare. */
const round = (x: number): number => Number(x.toPrecision(6));

export function diffScopes(before: Scope, after: Scope, o: DiffOptions): DiffResult {
  const min = o.minBytes ?? 0;
  const beforeRows = new Map(before.rows.map((r) => [edgeKey(r), r]));
  const afterRows = new Map(after.rows.map((r) => [edgeKey(r), r]));
  const counts = (key: string): boolean => Math.max(beforeRows.get(key)?.bytes ?? 0, afterRows.get(key)?.bytes ?? 0) >= min;
  const beforeSec = seconds(o.before);
  const afterSec = seconds(o.after);

  const added: EdgeRow[] = [];
  const removed: EdgeRow[] = [];
  const changed: DiffChange[] = [];
  let unchanged = 0;
  for (const [key, a] of afterRows) if (!beforeRows.has(key) && counts(key)) added.push(a);
  for (const [key, b] of beforeRows) {
    if (!counts(key)) continue;
    const a = afterRows.get(key);
    if (!a) {
      removed.push(b);
      continue;
    }
    const ratio = b.bytes > 0 ? a.bytes / afterSec / (b.bytes / beforeSec) : a.bytes > 0 ? null : 1;
    if (ratio !== null && ratio < o.threshold && ratio * o.threshold > 1) {
      unchanged++;
      continue;
    }
    changed.push({ client: a.client, server: a.server, port: a.port, proto: a.proto, service: a.service ?? b.service, bytes_before: b.bytes, bytes_after: a.bytes, ratio: ratio === null ? null : round(ratio) });
  }
  added.sort((p, q) => q.bytes - p.bytes || compareKeys(p, q));
  removed.sort((p, q) => q.bytes - p.bytes || compareKeys(p, q));
  changed.sort((p, q) => Math.max(q.bytes_before, q.bytes_after) - Math.max(p.bytes_before, p.bytes_after) || compareKeys(p, q));

  const beforeHosts = hostBytes(before.rows, counts);
  const afterHosts = hostBytes(after.rows, counts);
  return {
    before: windowOf(o.before),
    after: windowOf(o.after),
    threshold: o.threshold,
    compared: beforeSec === afterSec ? 'bytes' : 'rates',
    added,
    removed,
    changed,
    unchanged,
    hosts_added: onlyIn(afterHosts, beforeHosts, after),
    hosts_removed: onlyIn(beforeHosts, afterHosts, before),
    notes: notes(o, beforeRows.size, afterRows.size),
  };
}

function seconds(w: TimeWindow): number {
  return (w.toMs - w.fromMs) / 1000;
}

function windowOf(w: TimeWindow): DiffWindow {
  return { from: isoMs(w.fromMs), to: isoMs(w.toMs), seconds: seconds(w) };
}

/** Bytes per host over the dependencies that count, either side. */
function hostBytes(rows: readonly EdgeRow[], counts: (key: string) => boolean): Map<string, number> {
  const out = new Map<string, number>();
  for (const r of rows) {
    if (!counts(edgeKey(r))) continue;
    out.set(r.client, (out.get(r.client) ?? 0) + r.bytes);
    if (r.server !== r.client) out.set(r.server, (out.get(r.server) ?? 0) + r.bytes);
  }
  return out;
}

function onlyIn(these: Map<string, number>, notThese: Map<string, number>, scope: Scope): DiffHost[] {
  const out: DiffHost[] = [];
  for (const [address, bytes] of these) if (!notThese.has(address)) out.push({ ...hostRef(scope, address), bytes });
  return out.sort((p, q) => q.bytes - p.bytes || compareAddresses(p.address, q.address));
}

function notes(o: DiffOptions, beforeEdges: number, afterEdges: number): string[] {
  const out: string[] = [];
  const b = seconds(o.before);
  const a = seconds(o.after);
  if (a !== b) out.push(`the windows differ in length (${b} s before, ${a} s after): ratios compare rates (bytes per second)`);
  const overlap = Math.min(o.before.toMs, o.after.toMs) - Math.max(o.before.fromMs, o.after.fromMs);
  if (overlap > 0) out.push(`the windows overlap by ${overlap / 1000} s: traffic in the overlap counts in both`);
  if (o.after.fromMs < o.before.fromMs) out.push('the after window starts before the before window: added and removed are as seen from the before window');
  if (beforeEdges === 0) out.push('the before window holds no traffic under the filter: every dependency counts as added');
  if (afterEdges === 0) out.push('the after window holds no traffic under the filter: every dependency counts as removed');
  return out;
}
