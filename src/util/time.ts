import { parseDuration } from './duration.js';
import { UsageError } from './errors.js';

// Date-only, or date + time with optional seconds/fraction and optional zone (Z or ±hh:mm / ±hhmm).
const ISO_RE =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?)?$/i;

/**
 * Parse a `--since` / `--until` value into epoch ms (UTC):
 * `now`; a relative duration meaning "that long ago" (`2h`, `15m`, `7d`, `-2h`); or ISO 8601
 * (`2026-11-28`, `2026-11-28T07:00`, `2026-11-28 07:00:00.5`, with `Z` or `+01:00`; no zone = UTC).
 */
export function parseTime(text: string, nowMs: number, what = 'time'): number {
  const t = text.trim();
  if (t === '') throw new UsageError(`${what}: empty value`);
  if (t.toLowerCase() === 'now') return nowMs;
  if (/^-?\d+(?:\.\d+)?\s*(ms|s|m|h|d|w)$/i.test(t)) {
    return nowMs - parseDuration(t.replace(/^-/, ''), what);
  }
  const m = ISO_RE.exec(t);
  if (!m) {
    throw new UsageError(
      `${what}: cannot parse ${JSON.stringify(text)} (use ISO 8601 like 2026-11-28T07:00:00Z, a relative age like 2h or 7d, or "now")`,
    );
  }
  const [, y, mo, d, h = '0', mi = '0', s = '0', frac = '', zone] = m;
  const year = Number(y), month = Number(mo), day = Number(d), hour = Number(h), minute = Number(mi), second = Number(s);
  const ms = frac === '' ? 0 : Math.floor(Number(`0.${frac}`) * 1000);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month) || hour > 23 || minute > 59 || second > 59) {
    throw new UsageError(`${what}: ${JSON.stringify(text)} is not a valid date/time`);
  }
  let epoch = Date.UTC(year, month - 1, day, hour, minute, second, ms);
  if (zone && zone.toUpperCase() !== 'Z') {
    const zm = /^([+-])(\d{2}):?(\d{2})?$/.exec(zone);
    if (!zm) throw new UsageError(`${what}: bad time zone offset in ${JSON.stringify(text)}`);
    const offMin = Number(zm[2]) * 60 + Number(zm[3] ?? '0');
    if (offMin > 18 * 60) throw new UsageError(`${what}: time zone offset out of range in ${JSON.stringify(text)}`);
    epoch -= (zm[1] === '-' ? -1 : 1) * offMin * 60_000;
  }
  return epoch;
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** ISO 8601 UTC with milliseconds, e.g. `2026-11-28T07:00:00.123Z`. */
export function isoMs(epochMs: number): string {
  return new Date(epochMs).toISOString();
}
