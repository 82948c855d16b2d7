import type { AddrRange, FlowFilter } from './filter.js';
import { parseCidr } from './cidr.js';
import { parseByteSize } from '../util/bytes.js';
import { UsageError } from '../util/errors.js';
import { parseTime } from '../util/time.js';
import { parseProto } from '../util/protocols.js';
import { parseExporter, parseIfIndex } from './interfaces.js';

/** Filter options as they arrive from the CLI or the web API (strings, possibly comma lists). */
export interface RawFilter {
  subnet?: string[];
  exclude?: string[];
  host?: string[];
  client?: string[];
  server?: string[];
  port?: string[];
  proto?: string[];
  exporter?: string[];
  interface?: string[];
  since?: string;
  until?: string;
  minBytes?: string;
  limit?: string | number;
}

export const DEFAULT_LIMIT = 10;
/** Keeps IN lists and result sets sane; far above any useful table. */
export const MAX_LIMIT = 1_000_000;

/** Validate and normalise filter options. Throws UsageError naming the offending option. */
export function parseFilter(raw: RawFilter, nowMs: number): FlowFilter {
  const filter: FlowFilter = {
    subnets: ranges(raw.subnet, '--subnet'),
    excludes: ranges(raw.exclude, '--exclude'),
    hosts: ranges(raw.host, '--host'),
    clients: ranges(raw.client, '--client'),
    servers: ranges(raw.server, '--server'),
    ports: unique(items(raw.port).map(parsePort)),
    protos: unique(items(raw.proto).map(parseProtoOption)),
    exporters: unique(items(raw.exporter).map(parseExporter)),
    interfaces: unique(items(raw.interface).map(parseIfIndex)),
    limit: parseLimit(raw.limit),
  };
  if (raw.since !== undefined) filter.since = parseTime(raw.since, nowMs, '--since');
  if (raw.until !== undefined) filter.until = parseTime(raw.until, nowMs, '--until');
  if (filter.since !== undefined && filter.until !== undefined && filter.since > filter.until) {
    throw new UsageError(`--since (${new Date(filter.since).toISOString()}) is after --until (${new Date(filter.until).toISOString()})`);
  }
  if (raw.minBytes !== undefined) filter.minBytes = parseByteSize(raw.minBytes, '--min-bytes');
  return filter;
}

/** Repeated options and comma lists both work: `--port 443,8443 --port 80`. */
function items(values: string[] | undefined): string[] {
  if (!values) return [];
  const out: string[] = [];
  for (const v of values) {
    for (const part of String(v).split(',')) {
      const t = part.trim();
      if (t !== '') out.push(t);
    }
  }
  return out;
}

function unique<T>(xs: T[]): T[] {
  return [...new Set(xs)];
}

function ranges(values: string[] | undefined, what: string): AddrRange[] {
  const seen = new Set<string>();
  const out: AddrRange[] = [];
  for (const item of items(values)) {
    const r = parseCidr(item, what);
    if (!seen.has(r.text)) {
      seen.add(r.text);
      out.push(r);
    }
  }
  return out;
}

function parsePort(text: string): number {
  if (!/^\d{1,5}$/.test(text) || Number(text) > 65535) {
    const hint = /^\d+-\d+$/.test(text) ? ' (port ranges are not supported; list the ports)' : '';
    throw new UsageError(`--port: ${JSON.stringify(text)} is not a port number 0-65535${hint}`);
  }
  return Number(text);
}

function parseProtoOption(text: string): number {
  const p = parseProto(text);
  if (p === undefined) {
    throw new UsageError(`--proto: ${JSON.stringify(text)} is not a protocol (use tcp, udp, icmp, icmpv6, sctp, ... or a number 0-255)`);
  }
  return p;
}

function parseLimit(v: string | number | undefined): number {
  if (v === undefined) return DEFAULT_LIMIT;
  const text = String(v).trim();
  if (!/^\d+$/.test(text) || Number(text) < 1 || Number(text) > MAX_LIMIT) {
    throw new UsageError(`--limit: ${JSON.stringify(String(v))} is not a whole number from 1 to ${MAX_LIMIT}`);
  }
  return Number(text);
}
