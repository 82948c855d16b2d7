/**
 * What a shared writer (collect, capture) does while its database server is unreachable (restarting,
 * network down): the batches stay in memory, bounded, and are written once it answers again. Past the
 * bound the oldest batches are dropped and counted per exporter; the counts go into the exporter
 * health the collector saves (`flowmap exporters`: errors, reason STORE_DROP_REASON).
 */
import { F, WIDTH, type RecordColumns } from './record-columns.js';
import type { ExporterHealthRow } from './store.js';

/** Records held while the store is unreachable, by default (about 250 MB of record columns). */
export const DEFAULT_BACKLOG_RECORDS = 1_000_000;
export const STORE_DROP_REASON = 'records dropped: store unreachable past the backlog';
/** Back-off between attempts: doubling from the first to the last. */
export const RETRY_FIRST_MS = 250;
export const RETRY_MAX_MS = 8_000;

const TRANSIENT = /ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|EAI_AGAIN|socket|connection (?:closed|lost|refused|reset|timeout)|cannot connect|lost connection|server (?:has gone away|shutdown)|shutdown in progress|fetch failed|other side closed|Connection terminated|ER_CONNECTION|ER_SOCKET|ER_SERVER_SHUTDOWN|ER_CON_COUNT/i;

/** A failure to reach the database server (as opposed to a bad query, a full disk, a locked file). */
export function isUnreachable(e: unknown): boolean {
  for (let cur: unknown = e, depth = 0; cur && depth < 5; depth++) {
    const err = cur as { code?: unknown; message?: unknown; cause?: unknown };
    if (typeof err.code === 'string' && TRANSIENT.test(err.code)) return true;
    if (typeof err.message === 'string' && TRANSIENT.test(err.message)) return true;
    cur = err.cause;
  }
  return false;
}

export class Backlog {
  /** Records dropped so far, per exporter ('' for records of no exporter). */
  readonly dropped = new Map<string, number>();
  private delay = 0;

  constructor(readonly maxRecords: number) {}

  /** True while the last write failed for want of the server. */
  get down(): boolean {
    return this.delay > 0;
  }

  /** The store answered again. */
  reachable(): void {
    this.delay = 0;
  }

  /** The store is unreachable: how long to wait before the next attempt (doubling). */
  nextDelay(): number {
    this.delay = this.delay === 0 ? RETRY_FIRST_MS : Math.min(RETRY_MAX_MS, this.delay * 2);
    return this.delay;
  }

  /** Keep `held` (oldest first) within the bound: drop whole batches from the front, counted. */
  trim(held: RecordColumns[]): RecordColumns[] {
    let rows = held.reduce((n, b) => n + b.count, 0);
    let i = 0;
    while (rows > this.maxRecords && i < held.length) {
      this.count(held[i]);
      rows -= held[i].count;
      i++;
    }
    return i === 0 ? held : held.slice(i);
  }

  private count(b: RecordColumns): void {
    for (let r = 0; r < b.count; r++) {
      const exporter = b.exporters[b.numbers[r * WIDTH + F.exporter]] ?? '';
      this.dropped.set(exporter, (this.dropped.get(exporter) ?? 0) + 1);
    }
  }

  /** Health rows with the drops added (to each exporter's first row; errors counts them too). */
  withDrops(rows: readonly ExporterHealthRow[]): ExporterHealthRow[] {
    if (this.dropped.size === 0) return [...rows];
    const done = new Set<string>();
    return rows.map((r) => {
      const n = this.dropped.get(r.exporter);
      if (!n || done.has(r.exporter)) return r;
      done.add(r.exporter);
      return { ...r, errors: r.errors + n, error_reasons: { ...r.error_reasons, [STORE_DROP_REASON]: n } };
    });
  }
}
