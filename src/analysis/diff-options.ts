/**
 * Text -> `flowmap diff` options, shared by the CLI and the web API (which rewords the option names).
 * A window is FROM..TO, each end as --since takes it (ISO 8601, relative like 2h, or now).
 */
import { UsageError } from '../util/errors.js';
import { parseTime } from '../util/time.js';
import { DEFAULT_THRESHOLD, type TimeWindow } from './diff.js';

/** Most a threshold may be: beyond it every finite change is noise-free anyway. */
const MAX_THRESHOLD = 1_000_000;

/** `--before 2026-03-01..2026-03-02` or `--after 1h..now`; required. */
export function parseWindow(text: string | undefined, nowMs: number, what: string): TimeWindow {
  if (text === undefined) throw new UsageError(`${what}: required, a window FROM..TO (ISO 8601 or relative), e.g. ${what} 2h..1h`);
  const cut = text.indexOf('..');
  if (cut < 0) throw new UsageError(`${what}: ${JSON.stringify(text)} is not a window FROM..TO (e.g. 2026-03-01T08:00Z..2026-03-01T09:00Z, or 2h..1h)`);
  const fromText = text.slice(0, cut);
  const toText = text.slice(cut + 2);
  if (fromText.trim() === '' || toText.trim() === '') throw new UsageError(`${what}: ${JSON.stringify(text)}: give both ends, FROM..TO (use now for the present)`);
  const fromMs = parseTime(fromText, nowMs, `${what} (from)`);
  const toMs = parseTime(toText, nowMs, `${what} (to)`);
  if (fromMs >= toMs) throw new UsageError(`${what}: FROM (${new Date(fromMs).toISOString()}) must be before TO (${new Date(toMs).toISOString()})`);
  return { fromMs, toMs };
}

/** `--threshold 2` (also `2x`, `1.5`): a number above 1; absent: 2. */
export function parseThreshold(text: string | undefined): number {
  if (text === undefined) return DEFAULT_THRESHOLD;
  const t = String(text).trim().replace(/x$/i, '');
  const n = /^\d+(\.\d+)?$/.test(t) ? Number(t) : NaN;
  if (!(n > 1 && n <= MAX_THRESHOLD)) throw new UsageError(`--threshold: ${JSON.stringify(text)} is not a ratio above 1 (e.g. 2: twice or half the traffic is a change), at most ${MAX_THRESHOLD}`);
  return n;
}
