/**
 * The capture flow table: packets (PacketInfo) in, one FlowRecord per conversation and timeout out.
 * This file is the per-packet path; the rest of the table's jobs each have a module of their own:
 * slots.ts (record storage), table-index.ts (the hash index), table-expiry.ts (timeouts and
 * eviction), endpoint-memory.ts (direction evidence across conversations), table-emit.ts (records).
 */
import type { PacketInfo } from '../decode/packet.js';
import { Proto, TcpFlag } from '../util/protocols.js';
import { icmpRole, isIcmp, synEvidence } from './conversation.js';
import type { ServiceLookup } from './direction.js';
import { CONVERSATION_MEMORY } from './conversation-memory.js';
import { HashedConversationMemory } from './hashed-memory.js';
import { EndpointMemory } from './endpoint-memory.js';
import type { FlowRecord } from './record.js';
import { RecordWriter } from './table-emit.js';
import { evictionCut, scanTimeouts, type ExpiryActions } from './table-expiry.js';
import { ConversationIndex, hashKey } from './table-index.js';
import {
  F_BYTES,
  F_FIRST,
  F_LAST,
  F_PKTS,
  F_WORDS,
  RecordPool,
  R_ADDR,
  R_BITS,
  R_HASH,
  R_META,
  R_PORTS,
  R_WORDS,
  ST_CLOSED,
  ST_DECIDED,
  ST_EMPTY,
  ST_SIDE1_FIRST,
  evidenceShift,
} from './slots.js';

export interface FlowTableOptions {
  /** A conversation with no packet for this long is closed and emitted (ms). */
  idleTimeoutMs: number;
  /** A conversation longer than this is emitted as a record and continues in a new one (ms). */
  activeTimeoutMs: number;
  /** Memory bound: at most this many conversations are held; the least recently seen are emitted early. */
  maxFlows: number;
  services: ServiceLookup;
  /**
   * Conversations remembered beyond the table (their sides, for continuations after an idle gap or
   * an eviction): at most this many, least recently used forgotten first. Default CONVERSATION_MEMORY.
   */
  conversationMemory?: number;
  /** Provenance stamped on every record. */
  source: string;
  emit: (record: FlowRecord) => void;
}

export interface FlowTableStats {
  /** Conversations emitted early because the table was full. */
  evicted: number;
}

const { TCP } = Proto;
const { FIN: TCP_FIN, SYN: TCP_SYN, RST: TCP_RST, ACK: TCP_ACK } = TcpFlag;
const MIN_CAP = 1024;

/**
 * Bidirectional conversations keyed by (addresses, ports, protocol, VLAN). The per-packet path
 * allocates nothing (see slots.ts for the layout). Records are emitted on idle and active timeouts
 * (packet time), when the table is full, and by flushAll().
 */
export class FlowTable {
  private pool: RecordPool;
  private readonly index = new ConversationIndex();
  private count = 0;
  private readonly maxFlows: number;
  private nextScan = 0;
  private now = 0;
  private readonly scanEveryMs: number;
  private readonly memory = new EndpointMemory();
  /** Decided conversations beyond the table (conversation-memory.ts). */
  readonly conversations: HashedConversationMemory;
  private readonly writer: RecordWriter;
  private readonly expiry: ExpiryActions;
  readonly stats: FlowTableStats = { evicted: 0 };

  constructor(private readonly opts: FlowTableOptions) {
    this.maxFlows = Math.max(16, Math.floor(opts.maxFlows));
    const cap = Math.min(this.maxFlows, Math.max(MIN_CAP, 65536));
    this.pool = new RecordPool(cap);
    this.conversations = new HashedConversationMemory(opts.conversationMemory ?? CONVERSATION_MEMORY);
    this.writer = new RecordWriter(this.memory, opts.services, opts.source, opts.emit, this.conversations, opts.idleTimeoutMs);
    this.expiry = {
      idle: (i, empty) => {
        if (!empty) this.emit(i);
        this.remove(i);
      },
      active: (i) => {
        this.emit(i);
        this.pool.r[i * R_WORDS + R_BITS] |= ST_EMPTY << 24;
      },
    };
    // Expiry is checked a few times per timeout: records may leave up to a quarter timeout late.
    this.scanEveryMs = Math.max(100, Math.min(opts.idleTimeoutMs, opts.activeTimeoutMs) / 4);
  }

  get size(): number {
    return this.count;
  }

  /**
   * Account one decoded packet. The common case (a packet of a known, open conversation) stays in
   * this function; everything else goes through open(). Keeping rare branches out of the hot
   * function also spares V8 from deoptimising it the first time real traffic takes one.
   */
  add(p: PacketInfo): void {
    const ts = p.tsMs;
    if (ts > this.now) {
      this.now = ts;
      // Called on the very first packet too, so the call is never cold in optimised code.
      if (ts >= this.nextScan) this.tick();
    }
    const src = p.src;
    const dst = p.dst;
    // Canonical order: side 0 is the smaller (address, port) end.
    let c = cmpWords(src, dst);
    if (c === 0) c = p.srcPort < p.dstPort ? -1 : p.srcPort > p.dstPort ? 1 : 0;
    const fromSide1 = c > 0;
    const a = fromSide1 ? dst : src;
    const b = fromSide1 ? src : dst;
    const ports = fromSide1 ? (p.dstPort << 16) | p.srcPort : (p.srcPort << 16) | p.dstPort;
    const meta = p.proto | (p.vlan << 8) | (p.ipVersion === 6 ? 1 << 20 : 0);
    const h = hashKey(a, b, ports, meta);
    const side = fromSide1 ? 1 : 0;

    let r = this.pool.r;
    let i = this.index.find(h, a, b, ports, meta, r);
    // New, closed (FIN/RST seen) or already written out by the active timeout: the slow path.
    if (i < 0 || (r[i * R_WORDS + R_BITS] & ((ST_EMPTY | ST_CLOSED) << 24)) !== 0) {
      i = this.open(i, p, h, a, b, ports, meta, side);
      r = this.pool.r;
    }
    const f = this.pool.f;
    const fo = i * F_WORDS;
    f[fo + F_BYTES + side] += p.ipBytes + p.heldBytes;
    f[fo + F_PKTS + side] += 1 + p.heldPackets;
    if (ts > f[fo + F_LAST]) f[fo + F_LAST] = ts;
    if (ts < f[fo + F_FIRST]) f[fo + F_FIRST] = ts;
    if (p.proto === TCP) {
      const ro = i * R_WORDS + R_BITS;
      const fl = p.tcpFlags;
      let bits = r[ro] | (fl << (side * 8));
      if ((fl & (TCP_SYN | TCP_FIN | TCP_RST)) !== 0) bits = tcpEvidence(bits, fl, side);
      r[ro] = bits;
    }
  }

  /** The packet's conversation is new, closed, or cut by the active timeout: find or make its record. */
  private open(i: number, p: PacketInfo, h: number, a: Int32Array, b: Int32Array, ports: number, meta: number, side: number): number {
    const ts = p.tsMs;
    if (i < 0) {
      i = this.insert(h, a, b, ports, meta, ts, side);
    } else {
      const r = this.pool.r;
      const bits = r[i * R_WORDS + R_BITS];
      // Port reuse: a fresh SYN after FIN/RST starts a new conversation with its own direction.
      const reused = p.proto === TCP && (bits & (ST_CLOSED << 24)) !== 0 && (p.tcpFlags & (TCP_SYN | TCP_ACK)) === TCP_SYN;
      if ((bits & (ST_EMPTY << 24)) === 0) {
        if (reused) {
          this.emit(i);
          r[i * R_WORDS + R_BITS] = 0;
          this.resetCounters(i, ts, side);
        }
      } else {
        // The previous record was already written by the active timeout.
        if (reused) r[i * R_WORDS + R_BITS] = 0;
        this.resetCounters(i, ts, side);
      }
    }
    // ICMP roles come from the first packet of each record (the request, or a reply whose request
    // was not captured): that is all direction inference needs, and keeps them off the hot path.
    const proto = p.proto;
    if (isIcmp(proto)) {
      const role = icmpRole(proto, p.icmpType);
      const ro = i * R_WORDS + R_BITS;
      if (role !== 0) this.pool.r[ro] = this.pool.r[ro] | (role << evidenceShift(side));
    }
    return i;
  }

  /** Periodic work driven by packet time: expiry scans. */
  private tick(): void {
    if (this.nextScan !== 0) this.expire(this.now);
    this.nextScan = this.now + this.scanEveryMs;
  }

  /** Emit conversations idle past the idle timeout, and cut those past the active timeout. */
  expire(nowMs: number): void {
    if (nowMs > this.now) this.now = nowMs;
    this.memory.invalidate();
    scanTimeouts(this.pool, nowMs, this.opts.idleTimeoutMs, this.opts.activeTimeoutMs, this.expiry);
    this.memory.invalidate();
  }

  /** Emit every conversation held (end of input, or stop), and empty the table. */
  flushAll(): void {
    const pool = this.pool;
    const r = pool.r;
    this.memory.invalidate();
    for (let i = 0; i < pool.highWater; i++) {
      if (!pool.isUsed(i)) continue;
      if ((r[i * R_WORDS + R_BITS] & (ST_EMPTY << 24)) === 0) this.emit(i);
      pool.release(i);
    }
    this.memory.invalidate();
    this.index.clear();
    this.count = 0;
  }

  private insert(h: number, a: Int32Array, b: Int32Array, ports: number, meta: number, ts: number, side: number): number {
    if (this.count >= this.maxFlows) this.evictOldest();
    if (this.pool.available === 0) this.pool = this.pool.grow();
    this.index.reserve(this.count, this.pool);
    const i = this.pool.alloc();
    const r = this.pool.r;
    const o = i * R_WORDS;
    r[o + R_ADDR] = a[0];
    r[o + R_ADDR + 1] = a[1];
    r[o + R_ADDR + 2] = a[2];
    r[o + R_ADDR + 3] = a[3];
    r[o + R_ADDR + 4] = b[0];
    r[o + R_ADDR + 5] = b[1];
    r[o + R_ADDR + 6] = b[2];
    r[o + R_ADDR + 7] = b[3];
    r[o + R_PORTS] = ports;
    r[o + R_META] = meta;
    r[o + R_HASH] = h;
    this.resetCounters(i, ts, side);
    this.index.insert(h, i);
    this.count++;
    return i;
  }

  /** Zero the counters for a new record of the conversation in record i. */
  private resetCounters(i: number, ts: number, side: number): void {
    const f = this.pool.f;
    const fo = i * F_WORDS;
    f[fo + F_BYTES] = 0;
    f[fo + F_BYTES + 1] = 0;
    f[fo + F_PKTS] = 0;
    f[fo + F_PKTS + 1] = 0;
    f[fo + F_FIRST] = ts;
    f[fo + F_LAST] = ts;
    const r = this.pool.r;
    const o = i * R_WORDS + R_BITS;
    // Keep ev and state; clear the per-record TCP flags and the empty mark.
    let st = (r[o] >>> 24) & ~ST_EMPTY;
    if ((st & ST_DECIDED) === 0) st = side === 1 ? st | ST_SIDE1_FIRST : st & ~ST_SIDE1_FIRST;
    r[o] = (r[o] & 0x00ff0000) | (st << 24);
  }

  /** Drop record i from the index and the pool. */
  private remove(i: number): void {
    this.index.remove(this.pool.r[i * R_WORDS + R_HASH], i);
    this.count--;
    this.pool.release(i);
  }

  /** The table is full: emit the least recently seen quarter so memory stays bounded. */
  private evictOldest(): void {
    const pool = this.pool;
    const cut = evictionCut(pool);
    this.memory.invalidate();
    for (let i = 0; i < pool.highWater; i++) {
      if (!pool.isUsed(i) || pool.f[i * F_WORDS + F_LAST] > cut) continue;
      if ((pool.r[i * R_WORDS + R_BITS] & (ST_EMPTY << 24)) === 0) {
        this.emit(i);
        this.stats.evicted++;
      }
      // The index is rebuilt below: release the record without unlinking it entry by entry.
      pool.release(i);
      this.count--;
    }
    this.memory.invalidate();
    this.index.rebuild(this.count, pool);
  }

  private emit(i: number): void {
    this.writer.write(this.pool, i);
  }
}

/** Handshake and close evidence from a TCP packet's flags (SYN, SYN-ACK, FIN/RST). */
function tcpEvidence(bits: number, fl: number, side: number): number {
  bits |= synEvidence(fl) << evidenceShift(side);
  if ((fl & (TCP_FIN | TCP_RST)) !== 0) bits |= ST_CLOSED << 24;
  return bits;
}

function cmpWords(x: Int32Array, y: Int32Array): number {
  for (let k = 0; k < 4; k++) {
    if (x[k] !== y[k]) return x[k] < y[k] ? -1 : 1;
  }
  return 0;
}
