import { UsageError } from './errors.js';

const UNIT_MS: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

/**
 * Parse a duration: `500ms`, `15s`, `2m`, `2h`, `7d`, `1w`, `1.5h`, or a plain number of seconds
 * (string or number). Returns milliseconds (integer). `what` names the option in error messages.
 */
export function parseDuration(value: string | number, what = 'duration'): number {
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || value < 0) throw new UsageError(`${what}: expected a non-negative number of seconds, got ${value}`);
    return Math.round(value * 1000);
  }
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d|w)?\s*$/i.exec(value);
  if (!m) {
    throw new UsageError(`${what}: cannot parse ${JSON.stringify(value)} as a duration (examples: 500ms, 15s, 2m, 2h, 7d, or seconds)`);
  }
  const unit = (m[2] ?? 's').toLowerCase();
  const ms = Number(m[1]) * UNIT_MS[unit];
  if (!Number.isFinite(ms) || ms > Number.MAX_SAFE_INTEGER) throw new UsageError(`${what}: ${JSON.stringify(value)} is too large`);
  return Math.round(ms);
}

/** Milliseconds as the largest whole unit that divides them: `5m`, `90s`, `1d`, `1500ms`. */
export function formatDurationMs(ms: number): string {
  for (const unit of ['w', 'd', 'h', 'm', 's'] as const) {
    const u = UNIT_MS[unit];
    if (ms >= u && ms % u === 0) return `${ms / u}${unit}`;
  }
  return `${ms}ms`;
}
