/**
 * ntopng's flow dump rows (formats.md §1) -> FlowRecord. ntopng states the sides: IP_SRC_ADDR is the
 * client, IN_BYTES client -> server, OUT_BYTES server -> client. Each row is a partial dump of a flow
 * (queries sum records, as for any split flow). PACKETS is one total: the direction split comes from
 * the JSON (IN_PKTS / OUT_PKTS) when it is there and adds up, else all packets count client -> server.
 * The dump has no exporter interface columns (INTERFACE_ID is ntopng's own capture interface): when
 * ntopng collects from a flow exporter, the JSON may carry INPUT_SNMP / OUTPUT_SNMP (NetFlow ids 10,
 * 14) and EXPORTER_IPV4_ADDRESS (130); they are used when present, else 0 and no exporter.
 *
 * Conversation starts: ntopng dumps a long flow several times (partial dumps) and its rows carry no TCP
 * flags, so a row begins a conversation unless a row of the same (client, ports, server, protocol,
 * VLAN) read before it ended less than NTOPNG_IDLE_MS before it began (ntopng's own flow idle
 * timeout is 60 s; its periodic dumps follow each other closely). A resumed import first remembers the
 * conversations the earlier run stored in its last hour (pipeline/ntopng-resume.ts), so a flow dumped
 * across the resume point still counts once.
 */
import type { FlowRecord } from '../../flow/record.js';
import { conversationStarts, type ConversationMemory } from '../../flow/conversation-memory.js';
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

function parseJson(json: string | null): Record<string, unknown> {
  if (!json) return {};
  try {
    const j: unknown = JSON.parse(json);
    return j !== null && typeof j === 'object' ? (j as Record<string, unknown>) : {};
  } catch {
    return {}; // not JSON (or not compressed by ntopng): the columns still count
  }
}

function directionPackets(j: Record<string, unknown>, total: number): [number, number] {
  const i = Number(j.IN_PKTS ?? j['2']);
  const o = Number(j.OUT_PKTS ?? j['24']);
  if (Number.isSafeInteger(i) && Number.isSafeInteger(o) && i >= 0 && o >= 0 && i + o === total) return [i, o];
  return [total, 0];
}

/** An ifIndex from the JSON, 0 when absent or not an unsigned 32-bit integer. */
function ifIndex(v: unknown): number {
  const n = Number(v);
  return Number.isInteger(n) && n >= 0 && n <= 0xffffffff ? n : 0;
}

function addr(text: string | null): string | null {
  if (text === null || text === '') return null;
  try {
    return canonicalAddr(text);
  } catch {
    return null;
  }
}

/** Rows of one flow further apart than this are two conversations (ntopng's default flow idle timeout). */
export const NTOPNG_IDLE_MS = 60_000;

/** What tells one conversation's rows apart (canonical addresses); a resumed import rebuilds it from the store. */
export function ntopngConversationKey(client: string, clientPort: number, server: string, serverPort: number, proto: number, vlan: number): string {
  return `${client}|${clientPort}|${server}|${serverPort}|${proto}|${vlan}`;
}

export function ntopngRecord(r: NtopngRow, source: string, conversations: ConversationMemory<string>): RowResult {
  const client = addr(r.src);
  const server = addr(r.dst);
  if (!client || !server) return { skip: 'bad address' };
  if (r.first === null || r.first <= 0) return { skip: 'no FIRST_SWITCHED' };
  const packets = r.packets ?? 0;
  const j = parseJson(r.json);
  const [pc2s, ps2c] = directionPackets(j, packets);
  const exporter = typeof j.EXPORTER_IPV4_ADDRESS === 'string' ? addr(j.EXPORTER_IPV4_ADDRESS) : null;
  const first = r.first * 1000;
  const last = Math.max(first, (r.last ?? r.first) * 1000);
  const key = ntopngConversationKey(client, r.srcPort ?? 0, server, r.dstPort ?? 0, r.proto ?? 0, r.vlan ?? 0);
  const prev = conversations.get(key);
  conversations.set(key, { clientIs1: false, evidence: 'exporter', lastSeen: Math.max(last, prev?.lastSeen ?? -Infinity) });
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
      lastSeen: last,
      direction: 'exporter',
      source: r.ifId === null ? source : `${source}/if${r.ifId}`,
      // ntopng states the client as SRC: its input/output are the client -> server direction's.
      exporter: exporter ?? '',
      inIf: ifIndex(j.INPUT_SNMP ?? j['10']),
      outIf: ifIndex(j.OUTPUT_SNMP ?? j['14']),
      starts: conversationStarts(null, prev, first, NTOPNG_IDLE_MS),
    },
  };
}
