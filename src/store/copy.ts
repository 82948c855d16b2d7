/**
 * Copy flow records between any two stores in batches of first_seen windows. The window adapts to
 * the data (halved while it holds more than a batch, doubled while sparse). After each window the
 * target stores the position with the batch (a StoreMark: atomically on DuckDB/MariaDB), so an
 * interrupted copy resumes there, and a later run copies only records that started after it.
 */
import type { ManagedStore } from './store.js';

export interface CopyOptions {
  /** Copy records starting at or after this (epoch ms). Default: the oldest record. */
  sinceMs?: number;
  /** Records per batch (target append). Default 50,000. */
  batchSize?: number;
  /** Where the position is kept in the target (e.g. `copy:<source spec>`). */
  markKey: string;
  signal?: AbortSignal;
  onBatch?: (p: CopyProgress) => void;
}

export interface CopyProgress {
  records: number;
  batches: number;
  /** Every record with first_seen before this has been copied (epoch ms). */
  positionMs: number;
  /** The resume position the run started from, if any. */
  resumedFromMs: number | null;
  done: boolean;
}

const HOUR = 3_600_000;
/** "No limit" for scan (LIMIT takes a 32-bit integer). */
const WHOLE = 2 ** 31 - 2;

export async function copyFlows(from: ManagedStore, to: ManagedStore, opts: CopyOptions): Promise<CopyProgress> {
  const batch = opts.batchSize ?? 50_000;
  const stats = await from.stats();
  const mark = await to.getMark(opts.markKey);
  const resumed = mark === null ? null : Number(mark);
  const p: CopyProgress = { records: 0, batches: 0, positionMs: 0, resumedFromMs: resumed, done: false };
  if (stats.firstSeen === null || stats.lastSeen === null) {
    p.done = true;
    return p;
  }
  // first_seen <= last_seen, so every record starts before end.
  const end = Date.parse(stats.lastSeen) + 1;
  let pos = Math.max(opts.sinceMs ?? 0, Date.parse(stats.firstSeen), resumed ?? 0);
  p.positionMs = pos;
  let width = HOUR;
  while (pos < end && !opts.signal?.aborted) {
    const to_ = Math.min(end, pos + width);
    // One millisecond holding more than a batch is taken whole: it cannot be split further.
    const records = await from.scan(pos, to_, to_ - pos <= 1 ? WHOLE : batch);
    if (records.length > batch && to_ - pos > 1) {
      width = Math.max(1, Math.floor((to_ - pos) / 2));
      continue;
    }
    await to.append(records, { key: opts.markKey, value: String(to_) });
    pos = to_;
    p.positionMs = pos;
    if (records.length) {
      p.records += records.length;
      p.batches++;
      opts.onBatch?.(p);
    }
    if (records.length < batch / 4) width *= 2;
  }
  p.done = pos >= end;
  return p;
}
