/**
 * Record emission for the flow table: a pooled conversation (slots.ts) becomes the one FlowRecord.
 * The client side is decided once, at the first record of a conversation, and kept in the record's
 * state so that later records (active-timeout splits) keep the same sides. Beyond the table, the
 * conversation memory keeps them across idle gaps and evictions, and tells whether a first record
 * begins a conversation or continues one (FlowRecord.starts).
 */
import { AddrCache } from '../util/ip.js';
import { Proto } from '../util/protocols.js';
import { EV_SIDE_SHIFT, EV_SYN, EV_SYNACK, conversationRecord, type ConversationTotals } from './conversation.js';
import { conversationStarts, inheritSides, type ConversationRecall } from './conversation-memory.js';
import type { ServiceLookup } from './direction.js';
import { conversationKey, type EndpointMemory } from './endpoint-memory.js';
import { DIRECTION_EVIDENCE, type FlowRecord } from './record.js';
import {
  F_BYTES,
  F_FIRST,
  F_LAST,
  F_PKTS,
  F_WORDS,
  R_ADDR,
  R_BITS,
  R_META,
  R_PORTS,
  R_USED,
  R_WORDS,
  ST_CLIENT_SIDE1,
  ST_DECIDED,
  type RecordPool,
} from './slots.js';

export class RecordWriter {
  /** Records name the same few hosts over and over: their text is made once. */
  private readonly addrs = new AddrCache();

  constructor(
    private readonly memory: EndpointMemory,
    private readonly services: ServiceLookup,
    /** Provenance stamped on every record. */
    private readonly source: string,
    private readonly emit: (record: FlowRecord) => void,
    private readonly conversations: ConversationRecall<number>,
    private readonly idleTimeoutMs: number,
  ) {}

  /** Emit record i's conversation as it stands (deciding its sides if not yet done). */
  write(pool: RecordPool, i: number): void {
    const r = pool.r;
    const f = pool.f;
    const o = i * R_WORDS;
    const fo = i * F_WORDS;
    const bits = r[o + R_BITS];
    const st = bits >>> 24;
    const meta = r[o + R_META];
    const key = conversationKey(r, i);
    let clientIs1: boolean;
    let evidenceIdx: number;
    let starts = 0;
    if ((st & ST_DECIDED) !== 0) {
      clientIs1 = (st & ST_CLIENT_SIDE1) !== 0;
      evidenceIdx = r[o + R_USED] >>> 8;
    } else {
      // The first record of this table entry: a new conversation, or one back after an idle gap or an eviction.
      const d = this.memory.decide(pool, i, this.services);
      const prev = this.conversations.get(key);
      const sides = inheritSides({ clientIs1: !d.aIsClient, evidence: d.evidence }, prev);
      clientIs1 = sides.clientIs1;
      evidenceIdx = DIRECTION_EVIDENCE.indexOf(sides.evidence);
      const hs = EV_SYN | EV_SYNACK;
      const handshake = ((bits >>> 16) & (hs | (hs << EV_SIDE_SHIFT))) !== 0;
      starts = conversationStarts((meta & 0xff) === Proto.TCP ? handshake : null, prev, f[fo + F_FIRST], this.idleTimeoutMs);
      r[o + R_BITS] = bits | ((ST_DECIDED | (clientIs1 ? ST_CLIENT_SIDE1 : 0)) << 24);
      r[o + R_USED] = (r[o + R_USED] & 0xff) | (evidenceIdx << 8);
      this.memory.remember(pool, i, clientIs1, sides.evidence);
    }
    this.conversations.set(key, { clientIs1, evidence: DIRECTION_EVIDENCE[evidenceIdx], lastSeen: f[fo + F_LAST] });
    const ports = r[o + R_PORTS];
    const totals: ConversationTotals = {
      proto: meta & 0xff,
      ipVersion: (meta >>> 20) & 1 ? 6 : 4,
      vlan: (meta >>> 8) & 0xfff,
      addr0: this.addrText(r, o, 0),
      port0: ports >>> 16,
      addr1: this.addrText(r, o, 1),
      port1: ports & 0xffff,
      bytes0: f[fo + F_BYTES],
      bytes1: f[fo + F_BYTES + 1],
      packets0: f[fo + F_PKTS],
      packets1: f[fo + F_PKTS + 1],
      flags0: bits & 0xff,
      flags1: (bits >>> 8) & 0xff,
      firstSeen: f[fo + F_FIRST],
      lastSeen: f[fo + F_LAST],
      samplingRate: 1,
      source: this.source,
    };
    this.emit(conversationRecord(totals, !clientIs1, DIRECTION_EVIDENCE[evidenceIdx], starts));
  }

  private addrText(r: Int32Array, o: number, side: number): string {
    return this.addrs.text(r, o + R_ADDR + side * 4);
  }
}
