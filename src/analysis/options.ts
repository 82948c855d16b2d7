/**
 * Text -> analysis options, shared by the CLI's options and the web API's parameters (which reword
 * the option names in messages). Each throws a UsageError naming the option.
 */
import { parseDuration } from '../util/duration.js';
import { UsageError } from '../util/errors.js';
import { checkBucketWidth } from './buckets.js';
import { parseHostList, parsePin, type PlanConstraints } from './plan/constraints.js';
import type { SharedMode } from './plan/plan.js';
import { DEPS_DIRECTIONS, type DepsDirection } from './deps.js';

/** Most waves a plan may have. */
export const MAX_WAVES = 1000;

function wholeNumber(text: string, what: string, min: number, max: number): number {
  const t = String(text).trim();
  if (!/^\d+$/.test(t) || Number(t) < min || Number(t) > max) throw new UsageError(`${what}: ${JSON.stringify(text)} is not a whole number from ${min} to ${max}`);
  return Number(t);
}

export function parseDirection(text: string | undefined): DepsDirection {
  if (text === undefined) return 'down';
  if (!(DEPS_DIRECTIONS as readonly string[]).includes(text)) throw new UsageError(`--direction: ${JSON.stringify(text)} is not one of ${DEPS_DIRECTIONS.join(', ')}`);
  return text as DepsDirection;
}

/** `--depth N` (hops, at least 1); absent or `all`: unlimited (null). */
export function parseDepth(text: string | undefined): number | null {
  if (text === undefined || text === 'all' || text === 'unlimited') return null;
  return wholeNumber(text, '--depth', 1, 1_000_000);
}

export function parseWaves(text: string | undefined): number {
  if (text === undefined) throw new UsageError('--waves: required, e.g. --waves 4');
  return wholeNumber(text, '--waves', 1, MAX_WAVES);
}

export function parseMaxHosts(text: string | undefined): number | null {
  return text === undefined ? null : wholeNumber(text, '--max-hosts', 1, 10_000_000);
}

/** `auto` (default), `none`, or a comma list of hosts (addresses, CIDRs, names or groups). */
export function parseShared(text: string | undefined): SharedMode {
  const t = (text ?? 'auto').trim();
  if (t === 'auto' || t === 'none') return { mode: t };
  const hosts = t.split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (hosts.length === 0) throw new UsageError('--shared: expected auto, none, or a comma-separated list of hosts');
  return { mode: 'list', hosts };
}

export function parseConstraints(waves: number, raw: { pin?: string[]; together?: string[]; apart?: string[] }): PlanConstraints {
  return {
    pins: (raw.pin ?? []).map((p) => parsePin(p, waves)),
    together: (raw.together ?? []).map((t) => parseHostList(t, '--together')),
    apart: (raw.apart ?? []).map((a) => {
      const hosts = parseHostList(a, '--apart');
      if (hosts.length !== 2) throw new UsageError(`--apart: ${JSON.stringify(a)}: name exactly two hosts (repeat --apart for more pairs)`);
      return [hosts[0], hosts[1]] as [string, string];
    }),
  };
}

/** `--bucket 5m` for p95 rates; absent: flowmap chooses. */
export function parseBucket(text: string | undefined): number | null {
  if (text === undefined) return null;
  const ms = parseDuration(text, '--bucket');
  checkBucketWidth(ms);
  return ms;
}
