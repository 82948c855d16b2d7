/**
 * The flow table's memory of direction evidence beyond one conversation: which endpoints were seen
 * accepting a handshake (listeners), and how many conversations each endpoint served (fan-in). With
 * it, a conversation that shows no handshake of its own is still turned the right way round.
 */
import { EV_MASK, EV_SYNACK, applyEvidence, isIcmp } from './conversation.js';
import { isStrongEvidence } from './conversation-memory.js';
import { decideDirection, portOnlyEvidence, type DirectionDecision, type ServiceLookup } from './direction.js';
import type { DirectionEvidence } from './record.js';
import { mix } from '../util/hash53.js';
import { R_ADDR, R_BITS, R_META, R_PORTS, R_WORDS, ST_SIDE1_FIRST, evidenceShift, type RecordPool } from './slots.js';

/** Remembered listening endpoints and conversation counts per endpoint (bounded maps). */
const ENDPOINT_MEMORY = 200_000;

export class EndpointMemory {
  private readonly listeners = new Map<number, true>();
  private readonly endpointConvs = new Map<number, number>();
  /** Conversations per endpoint among those held in the pool; built at most once per scan. */
  private fanInSnapshot: Map<number, number> | null = null;
  private readonly a = portOnlyEvidence(0);
  private readonly b = portOnlyEvidence(0);

  /** The pool is about to change (a scan, an eviction): the fan-in snapshot is stale. */
  invalidate(): void {
    this.fanInSnapshot = null;
  }

  /** Which side of record i is the client, from its own evidence bits and what is remembered. */
  decide(pool: RecordPool, i: number, services: ServiceLookup): DirectionDecision {
    const r = pool.r;
    const o = i * R_WORDS;
    const proto = r[o + R_META] & 0xff;
    const bits = r[o + R_BITS];
    const side1First = ((bits >>> 24) & ST_SIDE1_FIRST) !== 0;
    const key0 = endpointKey(r, i, 0);
    const key1 = endpointKey(r, i, 1);
    const a = applyEvidence(this.a, (bits >>> evidenceShift(0)) & EV_MASK);
    const b = applyEvidence(this.b, (bits >>> evidenceShift(1)) & EV_MASK);
    a.port = r[o + R_PORTS] >>> 16;
    b.port = r[o + R_PORTS] & 0xffff;
    a.listener = this.listeners.has(key0);
    b.listener = this.listeners.has(key1);
    a.fanIn = 0;
    b.fanIn = 0;
    a.sentFirst = !side1First;
    b.sentFirst = side1First;
    const d = decideDirection(proto, a, b, services);
    if (d.evidence !== 'port-rank' && d.evidence !== 'first-packet') return d;
    // Only weak evidence so far: fan-in is worth its cost (a pass over the table, once per scan).
    const fan = this.heldFanIn(pool);
    a.fanIn = (fan.get(key0) ?? 0) + (this.endpointConvs.get(key0) ?? 0);
    b.fanIn = (fan.get(key1) ?? 0) + (this.endpointConvs.get(key1) ?? 0);
    return decideDirection(proto, a, b, services);
  }

  /**
   * Learn from a decided conversation: its server endpoint listens, and has one more conversation.
   * Only conversations decided on strong evidence count towards fan-in: a guess counted there would
   * make the next guess about the same endpoint, and entrench itself.
   */
  remember(pool: RecordPool, i: number, clientIs1: boolean, evidence: DirectionEvidence): void {
    const r = pool.r;
    const o = i * R_WORDS;
    const serverSide = clientIs1 ? 0 : 1;
    const serverKey = endpointKey(r, i, serverSide);
    const serverEv = (r[o + R_BITS] >>> evidenceShift(serverSide)) & EV_MASK;
    if ((serverEv & EV_SYNACK) !== 0) boundedSet(this.listeners, serverKey, true);
    if (!isIcmp(r[o + R_META] & 0xff) && isStrongEvidence(evidence)) {
      boundedSet(this.endpointConvs, serverKey, (this.endpointConvs.get(serverKey) ?? 0) + 1);
    }
  }

  private heldFanIn(pool: RecordPool): Map<number, number> {
    if (this.fanInSnapshot) return this.fanInSnapshot;
    const m = new Map<number, number>();
    for (let i = 0; i < pool.highWater; i++) {
      if (!pool.isUsed(i)) continue;
      const k0 = endpointKey(pool.r, i, 0);
      const k1 = endpointKey(pool.r, i, 1);
      m.set(k0, (m.get(k0) ?? 0) + 1);
      m.set(k1, (m.get(k1) ?? 0) + 1);
    }
    this.fanInSnapshot = m;
    return m;
  }
}

/**
 * A number naming one end (address, port, protocol, VLAN) of record i: two independent 32-bit
 * hashes in 53 bits, so a collision (which could only sway a heuristic) is vanishingly rare, and
 * no strings are built for the direction evidence.
 */
export function endpointKey(r: Int32Array, i: number, side: number): number {
  const o = i * R_WORDS;
  const a = o + R_ADDR + side * 4;
  const port = side === 0 ? r[o + R_PORTS] >>> 16 : r[o + R_PORTS] & 0xffff;
  const meta = r[o + R_META];
  let h1 = 0x9747b28c ^ meta;
  let h2 = 0x3c6ef372 ^ port;
  for (let k = 0; k < 4; k++) {
    h1 = mix(h1, r[a + k]);
    h2 = mix(h2, r[a + k] ^ 0x5bd1e995);
  }
  h1 = mix(h1, port);
  h2 = mix(h2, meta);
  return (h1 >>> 0) * 0x200000 + (h2 & 0x1fffff);
}

/** A number naming record i's conversation (both ends, protocol, VLAN), hashed as endpointKey. */
export function conversationKey(r: Int32Array, i: number): number {
  const o = i * R_WORDS;
  let h1 = 0x85ebca6b ^ r[o + R_META];
  let h2 = 0xc2b2ae35 ^ r[o + R_PORTS];
  for (let k = 0; k < 8; k++) {
    h1 = mix(h1, r[o + R_ADDR + k]);
    h2 = mix(h2, r[o + R_ADDR + k] ^ 0x27d4eb2f);
  }
  h1 = mix(h1, r[o + R_PORTS]);
  h2 = mix(h2, r[o + R_META]);
  return (h1 >>> 0) * 0x200000 + (h2 & 0x1fffff);
}

function boundedSet<V>(m: Map<number, V>, k: number, v: V): void {
  if (!m.has(k) && m.size >= ENDPOINT_MEMORY) {
    const oldest = m.keys().next().value;
    if (oldest !== undefined) m.delete(oldest);
  }
  m.set(k, v);
}
