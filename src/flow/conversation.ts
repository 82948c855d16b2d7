/**
 * The one conversation model: what the capture flow table (flow/table.ts) and the pairing of exported
 * flows (flowexport/pairing/) both gather about a conversation, and how it becomes the one FlowRecord.
 *
 * A conversation's two ends are kept in a canonical order (side 0 is the smaller (address, port) end)
 * so that both directions find one entry; the client is decided when the record is written, by
 * flow/direction.ts, from the evidence bits below.
 */
import { Proto, TcpFlag } from '../util/protocols.js';
import type { EndpointEvidence } from './direction.js';
import type { DirectionEvidence, FlowRecord } from './record.js';

/** Evidence bits of one side: what it sent. */
export const EV_SYN = 1; // a TCP SYN without ACK: it opened the connection
export const EV_SYNACK = 2; // a TCP SYN with ACK: it accepted the connection
export const EV_REQUEST = 4; // an ICMP/ICMPv6 request type
export const EV_REPLY = 8; // an ICMP/ICMPv6 reply type
/** Both sides' evidence in one number: side 1's bits sit this many bits above side 0's. */
export const EV_SIDE_SHIFT = 4;
/** All of one side's evidence bits. */
export const EV_MASK = 0xf;

export function isIcmp(proto: number): boolean {
  return proto === Proto.ICMP || proto === Proto.ICMPV6;
}

/** EV_REQUEST / EV_REPLY for ICMP types that have a request/response role, else 0. */
export function icmpRole(proto: number, type: number): number {
  if (proto === Proto.ICMP) {
    if (type === 8 || type === 13 || type === 15 || type === 17) return EV_REQUEST;
    if (type === 0 || type === 14 || type === 16 || type === 18) return EV_REPLY;
  } else if (proto === Proto.ICMPV6) {
    if (type === 128) return EV_REQUEST;
    if (type === 129) return EV_REPLY;
  }
  return 0;
}

/** EV_SYN / EV_SYNACK for one TCP packet's flags; 0 without SYN. */
export function synEvidence(tcpFlags: number): number {
  if ((tcpFlags & TcpFlag.SYN) === 0) return 0;
  return (tcpFlags & TcpFlag.ACK) !== 0 ? EV_SYNACK : EV_SYN;
}

/** Set the handshake and ICMP fields of `e` from one side's evidence bits. */
export function applyEvidence(e: EndpointEvidence, ev: number): EndpointEvidence {
  e.synSent = (ev & EV_SYN) !== 0;
  e.synAckSent = (ev & EV_SYNACK) !== 0;
  e.requestSent = (ev & EV_REQUEST) !== 0;
  e.replySent = (ev & EV_REPLY) !== 0;
  return e;
}

/** What a conversation has gathered, its ends in canonical order (side 0, side 1). */
export interface ConversationTotals {
  readonly proto: number;
  readonly ipVersion: 4 | 6;
  readonly vlan: number;
  readonly addr0: string;
  readonly port0: number;
  readonly addr1: string;
  readonly port1: number;
  /** IP-layer octets and packets sent by each side (scaled estimates for sampled sources). */
  readonly bytes0: number;
  readonly bytes1: number;
  readonly packets0: number;
  readonly packets1: number;
  /** OR of the TCP flags each side sent. */
  readonly flags0: number;
  readonly flags1: number;
  readonly firstSeen: number;
  readonly lastSeen: number;
  readonly samplingRate: number;
  readonly source: string;
}

/** Where a conversation was observed: the exporter and its interfaces, in the client -> server direction. */
export interface ObservationPoint {
  exporter: string;
  inIf: number;
  outIf: number;
}

/** Captures: no exporter, no interface. */
export const CAPTURE_POINT: ObservationPoint = { exporter: '', inIf: 0, outIf: 0 };

/**
 * The one FlowRecord of a conversation once its client side is decided. `starts`: the conversations
 * it begins (conversation-memory.ts, `conversationStarts`).
 */
export function conversationRecord(c: ConversationTotals, clientIs0: boolean, evidence: DirectionEvidence, starts: number, at: ObservationPoint = CAPTURE_POINT): FlowRecord {
  return {
    client: clientIs0 ? c.addr0 : c.addr1,
    server: clientIs0 ? c.addr1 : c.addr0,
    clientPort: clientIs0 ? c.port0 : c.port1,
    // ICMP: a port field holds the echo identifier (or nothing): it names the conversation, not a service.
    serverPort: isIcmp(c.proto) ? 0 : clientIs0 ? c.port1 : c.port0,
    proto: c.proto,
    ipVersion: c.ipVersion,
    vlan: c.vlan,
    // Sampled sources scale their counters: a record holds whole octets and packets.
    bytesC2s: Math.round(clientIs0 ? c.bytes0 : c.bytes1),
    bytesS2c: Math.round(clientIs0 ? c.bytes1 : c.bytes0),
    packetsC2s: Math.round(clientIs0 ? c.packets0 : c.packets1),
    packetsS2c: Math.round(clientIs0 ? c.packets1 : c.packets0),
    samplingRate: c.samplingRate,
    tcpFlagsC2s: clientIs0 ? c.flags0 : c.flags1,
    tcpFlagsS2c: clientIs0 ? c.flags1 : c.flags0,
    firstSeen: c.firstSeen,
    lastSeen: c.lastSeen,
    direction: evidence,
    source: c.source,
    exporter: at.exporter,
    inIf: at.inIf,
    outIf: at.outIf,
    starts,
  };
}
