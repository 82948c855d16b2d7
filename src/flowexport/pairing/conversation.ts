/**
 * One conversation being assembled from exported flows: the two sides in a canonical order (side 0 is
 * the smaller (address, port) end), scaled counters per side, and what tells the client from the server.
 * Turned into the one FlowRecord by toRecord(), with the one conversation model (flow/conversation.ts)
 * and the one direction inference (flow/direction.ts).
 */
import { conversationStarts, type ConversationRecall, inheritSides } from '../../flow/conversation-memory.js';
import { applyEvidence, conversationRecord, icmpRole, synEvidence, type ConversationTotals, type ObservationPoint } from '../../flow/conversation.js';
import { decideDirection, portOnlyEvidence, type EndpointEvidence, type ServiceLookup } from '../../flow/direction.js';
import type { DirectionEvidence, FlowRecord } from '../../flow/record.js';
import { Proto, TcpFlag } from '../../util/protocols.js';
import type { ExportedFlow } from '../model.js';

const SCRATCH_A: EndpointEvidence = portOnlyEvidence(0);
const SCRATCH_B: EndpointEvidence = portOnlyEvidence(0);

export class ExportConversation implements ConversationTotals {
  // Per side (0, 1) scalars rather than arrays: a collector makes one of these per flow half, and
  // small arrays were most of its garbage.
  bytes0 = 0;
  bytes1 = 0;
  packets0 = 0;
  packets1 = 0;
  flags0 = 0;
  flags1 = 0;
  ev0 = 0;
  ev1 = 0;
  /** Earliest flow time per side (Infinity until the side is seen). */
  first0 = Infinity;
  first1 = Infinity;
  first = Infinity;
  last = -Infinity;
  /** Side the exporter states opened the conversation, -1 when it does not say. */
  initiator: -1 | 0 | 1 = -1;
  /** Receive time (epoch ms) of the latest contribution. */
  updated: number;
  /** Exporter interfaces (input, output) of the traffic each side sent, as its first flow stated them; -1 until seen. */
  in0 = -1;
  out0 = -1;
  in1 = -1;
  out1 = -1;
  /** Exporter address (every flow of a conversation comes from one: it is part of the key). */
  exporter = '';

  constructor(
    /** The conversation's 53-bit key (aggregator.ts: exporter, domain, protocol, VLAN, both ends). */
    readonly key: number,
    readonly source: string,
    readonly proto: number,
    readonly ipVersion: 4 | 6,
    readonly vlan: number,
    readonly addr0: string,
    readonly port0: number,
    readonly addr1: string,
    readonly port1: number,
    /** Side that arrived first (the first-packet fallback). */
    readonly arrivedFirst: 0 | 1,
    public samplingRate: number,
    /** Receive time (epoch ms) of the first contribution. */
    readonly created: number,
  ) {
    this.updated = created;
  }

  /** Whether this is the conversation of that tuple (a key is a hash: a hit is checked). */
  is(source: string, proto: number, vlan: number, addr0: string, port0: number, addr1: string, port1: number): boolean {
    return (
      this.port0 === port0 && this.port1 === port1 && this.proto === proto && this.vlan === vlan &&
      this.addr0 === addr0 && this.addr1 === addr1 && this.source === source
    );
  }

  /** True once a side has traffic. */
  seen(side: 0 | 1): boolean {
    return (side === 0 ? this.first0 : this.first1) !== Infinity;
  }

  /**
   * Add one exported flow (src on `side`) with its counters scaled by `rate`. `perPacket`: the flow is
   * one sampled packet (sFlow), so its TCP flags are one packet's, not an OR over a flow.
   */
  add(f: ExportedFlow, side: 0 | 1, rate: number, icmpType: number, perPacket: boolean, receivedMs: number): void {
    const reverse = f.reverseBytes > 0 || f.reversePackets > 0;
    // An exporter that swapped its start and end times (or a clock step between them) still spans one interval.
    const first = f.firstSeen <= f.lastSeen ? f.firstSeen : f.lastSeen;
    const last = f.firstSeen <= f.lastSeen ? f.lastSeen : f.firstSeen;
    let ev = perPacket && this.proto === Proto.TCP ? synEvidence(f.tcpFlags) : 0;
    if (icmpType >= 0) ev |= icmpRole(this.proto, icmpType);
    if (side === 0) {
      this.bytes0 += f.bytes * rate;
      this.packets0 += f.packets * rate;
      this.bytes1 += f.reverseBytes * rate;
      this.packets1 += f.reversePackets * rate;
      this.flags0 |= f.tcpFlags;
      this.flags1 |= f.reverseTcpFlags;
      this.ev0 |= ev;
      if (first < this.first0) this.first0 = first;
      if (reverse && first < this.first1) this.first1 = first;
    } else {
      this.bytes1 += f.bytes * rate;
      this.packets1 += f.packets * rate;
      this.bytes0 += f.reverseBytes * rate;
      this.packets0 += f.reversePackets * rate;
      this.flags1 |= f.tcpFlags;
      this.flags0 |= f.reverseTcpFlags;
      this.ev1 |= ev;
      if (first < this.first1) this.first1 = first;
      if (reverse && first < this.first0) this.first0 = first;
    }
    if (first < this.first) this.first = first;
    if (last > this.last) this.last = last;
    this.exporter = f.exporter;
    // The flow's interfaces are those of the traffic src sent (a biflow's reverse took them the other way).
    if (side === 0 && this.in0 < 0) {
      this.in0 = f.inIf;
      this.out0 = f.outIf;
    } else if (side === 1 && this.in1 < 0) {
      this.in1 = f.inIf;
      this.out1 = f.outIf;
    }
    if (f.initiator !== null) this.initiator = f.initiator === 'src' ? side : side === 0 ? 1 : 0;
    this.samplingRate = rate;
    if (receivedMs > this.updated) this.updated = receivedMs;
  }

  get firstSeen(): number {
    return this.first === Infinity ? this.updated : this.first;
  }

  get lastSeen(): number {
    return this.last === -Infinity ? this.updated : this.last;
  }

  /**
   * The one FlowRecord for what has been gathered, the client decided by src/flow/direction.ts unless
   * `memory` knows the conversation as well or better (a continuation keeps its sides); whether it
   * begins a conversation comes from the same memory (conversation-memory.ts).
   */
  toRecord(services: ServiceLookup, memory: ConversationRecall<number>, idleTimeoutMs: number): FlowRecord {
    const own = this.decide(services);
    const key = this.key;
    const prev = memory.get(key);
    const { clientIs1, evidence } = inheritSides({ clientIs1: !own.clientIs0, evidence: own.evidence }, prev);
    const handshake = this.proto === Proto.TCP ? ((this.flags0 | this.flags1) & TcpFlag.SYN) !== 0 : null;
    const starts = conversationStarts(handshake, prev, this.firstSeen, idleTimeoutMs);
    memory.set(key, { clientIs1, evidence, lastSeen: Math.max(this.lastSeen, prev?.lastSeen ?? -Infinity) });
    return conversationRecord(this, !clientIs1, evidence, starts, this.observationPoint(!clientIs1));
  }

  /**
   * The record's interfaces are those of its client -> server traffic: the client side's own flows
   * state them (input = where the client's packets entered the exporter). When only the server side
   * was exported, its traffic took the same path backwards: its output is the client's input.
   */
  private observationPoint(clientIs0: boolean): ObservationPoint {
    const [cin, cout, sin, sout] = clientIs0 ? [this.in0, this.out0, this.in1, this.out1] : [this.in1, this.out1, this.in0, this.out0];
    if (cin >= 0) return { exporter: this.exporter, inIf: cin, outIf: cout };
    if (sin >= 0) return { exporter: this.exporter, inIf: sout, outIf: sin };
    return { exporter: this.exporter, inIf: 0, outIf: 0 };
  }

  private decide(services: ServiceLookup): { clientIs0: boolean; evidence: DirectionEvidence } {
    if (this.initiator !== -1) return { clientIs0: this.initiator === 0, evidence: 'exporter' };
    const a = this.endpoint(this.port0, this.ev0, this.first0, this.first1, 0);
    const b = this.endpoint(this.port1, this.ev1, this.first1, this.first0, 1);
    if (this.proto === Proto.TCP) this.flowFlagEvidence(a, b);
    const d = decideDirection(this.proto, a, b, services);
    return { clientIs0: d.aIsClient, evidence: d.evidence };
  }

  private endpoint(port: number, ev: number, first: number, otherFirst: number, side: 0 | 1): EndpointEvidence {
    // Two scratch objects serve every decision: one conversation is decided at a time.
    const e = side === 0 ? SCRATCH_A : SCRATCH_B;
    e.port = port;
    e.listener = false;
    e.fanIn = 0;
    applyEvidence(e, ev);
    e.sentFirst = first < otherFirst || (first === otherFirst && this.arrivedFirst === side);
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
    const sa = (this.flags0 & TcpFlag.SYN) !== 0;
    const sb = (this.flags1 & TcpFlag.SYN) !== 0;
    const pureA = sa && (this.flags0 & TcpFlag.ACK) === 0;
    const pureB = sb && (this.flags1 & TcpFlag.ACK) === 0;
    if (pureA !== pureB) {
      (pureA ? a : b).synSent = true;
      return;
    }
    if (!this.seen(0) || !this.seen(1)) return;
    if (sa !== sb) {
      (sa ? a : b).synSent = true;
    } else if (sa && this.first0 !== this.first1) {
      (this.first0 < this.first1 ? a : b).synSent = true;
    }
  }
}
