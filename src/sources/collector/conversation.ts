/**
 * One conversation being assembled from exported flows: the two sides in a canonical order (side 0 is
 * the smaller (address, port) end), scaled counters per side, and what tells the client from the server.
 * Turned into the one FlowRecord by toRecord(), with the one direction inference.
 */
import { decideDirection, portOnlyEvidence, type EndpointEvidence, type ServiceLookup } from '../../flow/direction.js';
import type { DirectionEvidence, FlowRecord } from '../../flow/record.js';
import type { ExportedFlow } from './exported.js';

export const TCP = 6;
export const ICMP = 1;
export const ICMPV6 = 58;
const TCP_SYN = 0x02;
const TCP_ACK = 0x10;

/** Per-side evidence bits. */
const EV_SYN = 1; // a packet with SYN and no ACK (per-packet flags: sFlow)
const EV_SYNACK = 2; // a packet with SYN and ACK (per-packet flags: sFlow)
const EV_REQUEST = 4; // an ICMP request type
const EV_REPLY = 8; // an ICMP reply type

export class Conversation {
  readonly addr: [string, string];
  readonly port: [number, number];
  readonly bytes = [0, 0];
  readonly packets = [0, 0];
  readonly flags = [0, 0];
  readonly ev = [0, 0];
  /** Earliest flow time per side (Infinity until the side is seen). */
  readonly sideFirst = [Infinity, Infinity];
  first = Infinity;
  last = -Infinity;
  /** Side that arrived first (the first-packet fallback). */
  arrivedFirst: 0 | 1;
  /** Side the exporter states opened the conversation, -1 when it does not say. */
  initiator: -1 | 0 | 1 = -1;
  samplingRate: number;
  /** Receive time (epoch ms) of the first and the latest contribution. */
  readonly created: number;
  updated: number;

  constructor(
    readonly key: string,
    readonly source: string,
    readonly proto: number,
    readonly ipVersion: 4 | 6,
    readonly vlan: number,
    a: string,
    portA: number,
    b: string,
    portB: number,
    firstSide: 0 | 1,
    samplingRate: number,
    receivedMs: number,
  ) {
    this.addr = [a, b];
    this.port = [portA, portB];
    this.arrivedFirst = firstSide;
    this.samplingRate = samplingRate;
    this.created = receivedMs;
    this.updated = receivedMs;
  }

  /** True once a side has traffic. */
  seen(side: 0 | 1): boolean {
    return this.sideFirst[side] !== Infinity;
  }

  /**
   * Add one exported flow (src on `side`) with its counters scaled by `rate`. `perPacket`: the flow is
   * one sampled packet (sFlow), so its TCP flags are one packet's, not an OR over a flow.
   */
  add(f: ExportedFlow, side: 0 | 1, rate: number, icmpType: number, perPacket: boolean, receivedMs: number): void {
    const other = side === 0 ? 1 : 0;
    this.bytes[side] += f.bytes * rate;
    this.packets[side] += f.packets * rate;
    this.bytes[other] += f.reverseBytes * rate;
    this.packets[other] += f.reversePackets * rate;
    this.flags[side] |= f.tcpFlags;
    this.flags[other] |= f.reverseTcpFlags;
    if (f.firstSeen < this.sideFirst[side]) this.sideFirst[side] = f.firstSeen;
    if ((f.reverseBytes > 0 || f.reversePackets > 0) && f.firstSeen < this.sideFirst[other]) this.sideFirst[other] = f.firstSeen;
    if (f.firstSeen < this.first) this.first = f.firstSeen;
    if (f.lastSeen > this.last) this.last = f.lastSeen;
    if (perPacket && this.proto === TCP && (f.tcpFlags & TCP_SYN) !== 0) this.ev[side] |= (f.tcpFlags & TCP_ACK) !== 0 ? EV_SYNACK : EV_SYN;
    if (icmpType >= 0) this.ev[side] |= icmpRole(this.proto, icmpType);
    if (f.initiator !== null) this.initiator = f.initiator === 'src' ? side : other;
    this.samplingRate = rate;
    if (receivedMs > this.updated) this.updated = receivedMs;
  }

  /** The one FlowRecord for what has been gathered, the client decided by src/flow/direction.ts. */
  toRecord(services: ServiceLookup): FlowRecord {
    const { clientSide, evidence } = this.decide(services);
    const c = clientSide;
    const v = c === 0 ? 1 : 0;
    const icmp = this.proto === ICMP || this.proto === ICMPV6;
    return {
      client: this.addr[c],
      server: this.addr[v],
      clientPort: this.port[c],
      // ICMP: a port field holds the echo identifier (or nothing): it names the conversation, not a service.
      serverPort: icmp ? 0 : this.port[v],
      proto: this.proto,
      ipVersion: this.ipVersion,
      vlan: this.vlan,
      bytesC2s: Math.round(this.bytes[c]),
      bytesS2c: Math.round(this.bytes[v]),
      packetsC2s: Math.round(this.packets[c]),
      packetsS2c: Math.round(this.packets[v]),
      samplingRate: this.samplingRate,
      tcpFlagsC2s: this.flags[c],
      tcpFlagsS2c: this.flags[v],
      firstSeen: this.first === Infinity ? this.updated : this.first,
      lastSeen: this.last === -Infinity ? this.updated : this.last,
      direction: evidence,
      source: this.source,
    };
  }

  private decide(services: ServiceLookup): { clientSide: 0 | 1; evidence: DirectionEvidence } {
    if (this.initiator !== -1) return { clientSide: this.initiator, evidence: 'exporter' };
    const a = this.endpoint(0);
    const b = this.endpoint(1);
    if (this.proto === TCP) this.flowFlagEvidence(a, b);
    const d = decideDirection(this.proto, a, b, services);
    return { clientSide: d.aIsClient ? 0 : 1, evidence: d.evidence };
  }

  private endpoint(side: 0 | 1): EndpointEvidence {
    const e = portOnlyEvidence(this.port[side]);
    const ev = this.ev[side];
    e.synSent = (ev & EV_SYN) !== 0;
    e.synAckSent = (ev & EV_SYNACK) !== 0;
    e.requestSent = (ev & EV_REQUEST) !== 0;
    e.replySent = (ev & EV_REPLY) !== 0;
    const other = side === 0 ? 1 : 0;
    const t = this.sideFirst[side];
    const u = this.sideFirst[other];
    e.sentFirst = t < u || (t === u && this.arrivedFirst === side);
    return e;
  }

  /**
   * Flow records OR the flags of all their packets, so a client's SYN and a server's SYN-ACK both
   * read SYN|ACK. What still tells: a side whose flags have SYN but no ACK only opened; a side with
   * SYN facing a side without it opened; with SYN on both, the side whose record starts first sent
   * the SYN (the SYN-ACK answers it). Equal start times tell nothing.
   */
  private flowFlagEvidence(a: EndpointEvidence, b: EndpointEvidence): void {
    if (a.synSent || b.synSent || a.synAckSent || b.synAckSent) return;
    const sa = (this.flags[0] & TCP_SYN) !== 0;
    const sb = (this.flags[1] & TCP_SYN) !== 0;
    const pureA = sa && (this.flags[0] & TCP_ACK) === 0;
    const pureB = sb && (this.flags[1] & TCP_ACK) === 0;
    if (pureA !== pureB) {
      (pureA ? a : b).synSent = true;
      return;
    }
    if (!this.seen(0) || !this.seen(1)) return;
    if (sa !== sb) {
      (sa ? a : b).synSent = true;
    } else if (sa && this.sideFirst[0] !== this.sideFirst[1]) {
      (this.sideFirst[0] < this.sideFirst[1] ? a : b).synSent = true;
    }
  }
}

function icmpRole(proto: number, type: number): number {
  if (proto === ICMP) {
    if (type === 8 || type === 13 || type === 15 || type === 17) return EV_REQUEST;
    if (type === 0 || type === 14 || type === 16 || type === 18) return EV_REPLY;
  } else if (proto === ICMPV6) {
    if (type === 128) return EV_REQUEST;
    if (type === 129) return EV_REPLY;
  }
  return 0;
}
