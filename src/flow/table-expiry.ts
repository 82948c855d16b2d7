/**
 * When the flow table lets go of conversations: on the idle and active timeouts (packet time), and
 * when it is full (the least recently seen quarter goes early, so memory stays bounded).
 */
import { F_FIRST, F_LAST, F_WORDS, R_BITS, R_USED, R_WORDS, ST_EMPTY, type RecordPool } from './slots.js';

/** Records sampled to find the eviction cut (a quarter of the table, least recently seen first). */
const EVICT_SAMPLE = 4096;

export interface ExpiryActions {
  /** Idle past the idle timeout: written out unless `empty` (already written), then removed. */
  idle(i: number, empty: boolean): void;
  /** Older than the active timeout: written out; the conversation goes on in a new record. */
  active(i: number): void;
}

/** Visit the records the timeouts release as of `nowMs`. */
export function scanTimeouts(pool: RecordPool, nowMs: number, idleMs: number, activeMs: number, act: ExpiryActions): void {
  const r = pool.r;
  const f = pool.f;
  for (let i = 0; i < pool.highWater; i++) {
    if ((r[i * R_WORDS + R_USED] & 1) === 0) continue;
    const last = f[i * F_WORDS + F_LAST];
    const empty = (r[i * R_WORDS + R_BITS] & (ST_EMPTY << 24)) !== 0;
    if (nowMs - last >= idleMs) act.idle(i, empty);
    else if (!empty && nowMs - f[i * F_WORDS + F_FIRST] >= activeMs) act.active(i);
  }
}

/**
 * The last-seen time at or below which about a quarter of the records lie. Estimated from a sample:
 * sorting every flow's time on each eviction made a flood of new flows (a scan, a SYN flood)
 * quadratic-looking.
 */
export function evictionCut(pool: RecordPool): number {
  const step = Math.max(1, Math.floor(pool.highWater / EVICT_SAMPLE));
  const sample: number[] = [];
  for (let i = 0; i < pool.highWater; i += step) if (pool.isUsed(i)) sample.push(pool.f[i * F_WORDS + F_LAST]);
  sample.sort((x, y) => x - y);
  return sample[Math.max(0, Math.floor(sample.length / 4) - 1)];
}
