/**
 * Query string -> the one filter model. Parameters keep the CLI's names in camelCase (minBytes for
 * --min-bytes) and its meanings; list parameters repeat or take comma lists. Every problem is a
 * UsageError, which the app answers with 400 and the message, worded with the parameter's name.
 */
import type { FlowFilter } from '../filter/filter.js';
import { parseFilter, type RawFilter } from '../filter/parse.js';
import { UsageError } from '../util/errors.js';

/** The filter model's parameters: lists, then single values. */
export const FILTER_LIST_PARAMS = ['subnet', 'exclude', 'host', 'client', 'server', 'port', 'proto', 'exporter', 'interface'] as const;
export const FILTER_VALUE_PARAMS = ['since', 'until', 'minBytes', 'limit'] as const;
export const FILTER_PARAMS = [...FILTER_LIST_PARAMS, ...FILTER_VALUE_PARAMS] as const;

/** Graph parameters beyond the filter (as `flowmap export`'s options). */
export const GRAPH_PARAMS = ['groupBy', 'top', 'other', 'clusters'] as const;

/** The query string as lists per name, checked against what the endpoint takes. */
export class Query {
  private constructor(private readonly values: Map<string, string[]>) {}

  /** Unknown names are refused: a misspelt filter must not silently widen the answer. */
  static parse(url: string, allowed: readonly string[]): Query {
    const values = new Map<string, string[]>();
    for (const [k, v] of new URL(url).searchParams) {
      if (!allowed.includes(k)) throw new UsageError(`unknown parameter ${JSON.stringify(k)} (this endpoint takes ${allowed.length ? allowed.join(', ') : 'no parameters'})`);
      const list = values.get(k);
      if (list) list.push(v);
      else values.set(k, [v]);
    }
    return new Query(values);
  }

  list(name: string): string[] | undefined {
    return this.values.get(name);
  }

  /** A parameter given at most once. */
  one(name: string): string | undefined {
    const v = this.values.get(name);
    if (v && v.length > 1) throw new UsageError(`${name}: given ${v.length} times; give it once`);
    return v?.[0];
  }

  has(name: string): boolean {
    return this.values.has(name);
  }
}

/** The filter from a query (limit defaults as in the CLI: 10). */
export function filterFromQuery(q: Query, nowMs: number, defaults: { limit?: number } = {}): FlowFilter {
  const raw: RawFilter = {};
  for (const k of FILTER_LIST_PARAMS) {
    const v = q.list(k);
    if (v) raw[k] = v;
  }
  const since = q.one('since');
  const until = q.one('until');
  const minBytes = q.one('minBytes');
  const limit = q.one('limit') ?? defaults.limit;
  if (since !== undefined) raw.since = since;
  if (until !== undefined) raw.until = until;
  if (minBytes !== undefined) raw.minBytes = minBytes;
  if (limit !== undefined) raw.limit = limit;
  return apiWording(() => parseFilter(raw, nowMs));
}

/** CLI option names in messages -> the API's parameter names. */
const OPTION_TO_PARAM: Record<string, string> = {
  '--subnet': 'subnet',
  '--exclude': 'exclude',
  '--host': 'host',
  '--client': 'client',
  '--server': 'server',
  '--port': 'port',
  '--proto': 'proto',
  '--exporter': 'exporter',
  '--interface': 'interface',
  '--since': 'since',
  '--until': 'until',
  '--min-bytes': 'minBytes',
  '--limit': 'limit',
  '--top': 'top',
  '--group-by': 'groupBy',
  '--direction': 'direction',
  '--depth': 'depth',
  '--waves': 'waves',
  '--max-hosts': 'maxHosts',
  '--pin': 'pin',
  '--together': 'together',
  '--apart': 'apart',
  '--shared': 'shared',
  '--bucket': 'bucket',
  '--per': 'per',
  '--before': 'before',
  '--after': 'after',
  '--threshold': 'threshold',
};

/** Run a parser (or an analysis) shared with the CLI; its messages name the API's parameters instead of options. */
export function apiWording<T>(fn: () => T): T {
  try {
    const v = fn();
    if (v instanceof Promise) return v.catch((e: unknown) => Promise.reject(reworded(e))) as T;
    return v;
  } catch (e) {
    throw reworded(e);
  }
}

function reworded(e: unknown): unknown {
  if (e instanceof UsageError) return new UsageError(e.message.replace(/--[a-z][a-z-]*/g, (m) => OPTION_TO_PARAM[m] ?? m).replace(/^TARGET/, 'target'));
  return e;
}

/** One of a fixed set of words, or the default. */
export function choice<T extends string>(q: Query, name: string, choices: readonly T[], fallback: T): T {
  const v = q.one(name);
  if (v === undefined) return fallback;
  if (!(choices as readonly string[]).includes(v)) throw new UsageError(`${name}: ${JSON.stringify(v)} is not one of ${choices.join(', ')}`);
  return v as T;
}
