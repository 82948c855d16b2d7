/**
 * ntopng's flow dump rows (formats.md §1) -> FlowRecord. ntopng states the sides: IP_SRC_ADDR is the
 * client, IN_BYTES client -> server, OUT_BYTES server -> client. Each row is a partial dump of a flow
 * (queries sum records, as for any split flow). PACKETS is one total: the direction split comes from
 * the JSON (IN_PKTS / OUT_PKTS) when it is there and adds up, else all packets count client -> server.
 */
import type { FlowRecord } from '../../flow/record.js';
import { canonicalAddr } from '../../util/ip.js';

/** One row as selected by the importer (addresses already as text; JSON uncompressed). */
export interface NtopngRow {
  idx: number;
  vlan: number | null;
  src: string | null;
  srcPort: number | null;
  dst: string | null;
  dstPort: number | null;
  proto: number | null;
  inBytes: number | null;
  outBytes: number | null;
  packets: number | null;
  first: number | null;
  last: number | null;
  json: string | null;
  ifId: number | null;
}

export type RowResult = { record: FlowRecord } | { skip: string };

function directionPackets(json: string | null, total: number): [number, number] {
  if (json) {
    try {
      const j = JSON.parse(json) as Record<string, unknown>;
      const i = Number(j.IN_PKTS ?? j['2']);
      const o = Number(j.OUT_PKTS ?? j['24']);
      if (Number.isSafeInteger(i) && Number.isSafeInteger(o) && i >= 0 && o >= 0 && i + o === total) return [i, o];
    } catch {
      // not JSON (or not compressed by ntopng): the total still counts
    }
  }
  return [total, 0];
}

function addr(text: string | null): string | null {
  if (text === null || text === '') return null;
  try {
    return canonicalAddr(text);
  } catch {
    return null;
  }
}

export function ntopngRecord(r: NtopngRow, source: string): RowResult {
  const client = addr(r.src);
  const server = addr(r.dst);
  if (!client || !server) return { skip: 'bad address' };
  if (r.first === null || r.first <= 0) return { skip: 'no FIRST_SWITCHED' };
  const packets = r.packets ?? 0;
  const [pc2s, ps2c] = directionPackets(r.json, packets);
  const first = r.first * 1000;
  return {
    record: {
      client,
      server,
      clientPort: r.srcPort ?? 0,
      serverPort: r.dstPort ?? 0,
      proto: r.proto ?? 0,
      ipVersion: client.includes(':') ? 6 : 4,
      vlan: r.vlan ?? 0,
      bytesC2s: r.inBytes ?? 0,
      bytesS2c: r.outBytes ?? 0,
      packetsC2s: pc2s,
      packetsS2c: ps2c,
      samplingRate: 1,
      tcpFlagsC2s: 0,
      tcpFlagsS2c: 0,
      firstSeen: first,
      lastSeen: Math.max(first, (r.last ?? r.first) * 1000),
      direction: 'exporter',
      source: r.ifId === null ? source : `${source}/if${r.ifId}`,
    },
  };
}
