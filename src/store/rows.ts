/**
 * Result rows of the shared SQL (sql.ts) -> the store's row types, for every backend: drivers hand
 * back numbers, bigints or decimal strings, and all of them end up as the same JS values.
 */
import { DIRECTION_EVIDENCE, type DirectionEvidence, type FlowRecord } from '../flow/record.js';
import { isoMs } from '../util/time.js';
import { NAME_SOURCES, type NameRow, type NameSource } from '../names/names.js';
import type { EdgeRef, EdgeSeriesRow, SeriesRow, SourceRow, TopKind, TopRows } from './store.js';
import { protoName } from '../util/protocols.js';

export type JsRow = Record<string, unknown>;

/** bigint/number/decimal text -> number. Sums beyond 2^53 (9 PB) lose only low-order precision. */
export function num(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'string') return Number(v);
  return 0;
}

export function str(v: unknown): string {
  if (typeof v === 'string') return v;
  if (Buffer.isBuffer(v)) return v.toString('utf8');
  return String(v);
}

export function toRow(kind: TopKind, r: JsRow): TopRows[TopKind][number] {
  const first_seen = isoMs(num(r.first_ms));
  const last_seen = isoMs(num(r.last_ms));
  const proto = protoName(num(r.proto));
  switch (kind) {
    case 'edges':
      return {
        client: str(r.client), server: str(r.server), port: num(r.port), proto, service: null,
        bytes_c2s: num(r.c2s_bytes), bytes_s2c: num(r.s2c_bytes), bytes: num(r.bytes), packets: num(r.packets),
        connections: num(r.connections), first_seen, last_seen, server_process: null, client_process: null,
      };
    case 'services':
      return {
        port: num(r.port), proto, service: null, servers: num(r.servers), clients: num(r.clients),
        bytes_c2s: num(r.c2s_bytes), bytes_s2c: num(r.s2c_bytes), bytes: num(r.bytes), packets: num(r.packets),
        connections: num(r.connections), first_seen, last_seen, processes: [],
      };
    case 'flows':
      return {
        client: str(r.client), client_port: num(r.client_port), server: str(r.server), port: num(r.port), proto,
        vlan: num(r.vlan), service: null, bytes_c2s: num(r.c2s_bytes), bytes_s2c: num(r.s2c_bytes), bytes: num(r.bytes),
        packets_c2s: num(r.c2s_packets), packets_s2c: num(r.s2c_packets), packets: num(r.packets),
        records: num(r.records), first_seen, last_seen, server_process: null, client_process: null,
      };
    case 'interfaces':
      return {
        exporter: str(r.exporter), if_index: num(r.if_index), if_name: null,
        bytes_in: num(r.in_bytes), bytes_out: num(r.out_bytes), bytes: num(r.bytes),
        packets_in: num(r.in_packets), packets_out: num(r.out_packets), first_seen, last_seen,
      };
    case 'talkers':
      return {
        host: str(r.host), bytes_sent: num(r.bytes_sent), bytes_received: num(r.bytes_received), bytes: num(r.bytes),
        packets: num(r.packets), peers: num(r.peers), connections: num(r.connections), first_seen, last_seen,
      };
  }
}

/** A row of seriesQuery (sql.ts) -> SeriesRow. */
export function seriesFromRow(r: JsRow): SeriesRow {
  return {
    t: isoMs(num(r.t_ms)),
    bytes_c2s: num(r.c2s_bytes), bytes_s2c: num(r.s2c_bytes),
    packets_c2s: num(r.c2s_packets), packets_s2c: num(r.s2c_packets), records: num(r.records),
  };
}

/** A row of edgeSeriesQuery (sql.ts) -> EdgeSeriesRow of the edge the caller named. */
export function edgeSeriesFromRow(edge: EdgeRef, r: JsRow): EdgeSeriesRow {
  return { client: edge.client, server: edge.server, port: edge.port, proto: edge.proto, ...seriesFromRow(r) };
}

/** A row of scanQuery back into the record it was stored from. */
export function recordFromRow(r: JsRow): FlowRecord {
  const direction = str(r.direction) as DirectionEvidence;
  return {
    client: str(r.client),
    server: str(r.server),
    clientPort: num(r.client_port),
    serverPort: num(r.server_port),
    proto: num(r.proto),
    ipVersion: num(r.ip_version) === 6 ? 6 : 4,
    vlan: num(r.vlan),
    bytesC2s: num(r.bytes_c2s),
    bytesS2c: num(r.bytes_s2c),
    packetsC2s: num(r.packets_c2s),
    packetsS2c: num(r.packets_s2c),
    samplingRate: num(r.sampling_rate) || 1,
    tcpFlagsC2s: num(r.tcp_flags_c2s),
    tcpFlagsS2c: num(r.tcp_flags_s2c),
    firstSeen: num(r.first_ms),
    lastSeen: num(r.last_ms),
    direction: DIRECTION_EVIDENCE.includes(direction) ? direction : 'first-packet',
    source: str(r.source),
    exporter: str(r.exporter ?? ''),
    inIf: num(r.in_if),
    outIf: num(r.out_if),
    starts: num(r.starts),
  };
}

/** Counters as received: the stored estimates are raw x rate (one definition for every backend). */
export function rawCounter(scaled: number, samplingRate: number): number {
  return samplingRate > 1 ? Math.round(scaled / samplingRate) : scaled;
}

/** Addresses per names query in every backend: keeps IN lists short. */
export const NAME_BATCH = 500;

/** A row of namesQuery (sql.ts) -> NameRow; undefined for a source this flowmap does not know. */
export function nameFromRow(r: JsRow): NameRow | undefined {
  const source = str(r.source) as NameSource;
  if (!NAME_SOURCES.includes(source)) return undefined;
  return { address: str(r.address), name: str(r.name), source, first_seen: isoMs(num(r.first_ms)), last_seen: isoMs(num(r.last_ms)) };
}

/** A row of sourcesQuery. */
export function sourceFromRow(r: JsRow): SourceRow {
  return { source: str(r.source), records: num(r.n), first_seen: isoMs(num(r.first_ms)), last_seen: isoMs(num(r.last_ms)) };
}
