import type { PacketInfo } from '../decode/packet.js';
import { Proto } from '../util/protocols.js';
import { formatAddr } from '../util/ip.js';
import { decideDirection, type EndpointEvidence, type ServiceLookup } from './direction.js';
import { DIRECTION_EVIDENCE, type FlowRecord } from './record.js';
import {
  EV_REPLY,
  EV_REQUEST,
  EV_SYN,
  EV_SYNACK,
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
  R_USED,
  R_WORDS,
  ST_CLIENT_SIDE1,
  ST_CLOSED,
  ST_DECIDED,
  ST_EMPTY,
  ST_SIDE1_FIRST,
} from './slots.js';

export interface FlowTableOptions {
  /** A conversation with no packet for this long is closed and emitted (ms). */
  idleTimeoutMs: number;
  /** A conversation longer than this is emitted as a record and continues in a new one (ms). */
  activeTimeoutMs: number;
  /** Memory bound: at most this many conversations are held; the least recently seen are emitted early. */
  maxFlows: number;
  services: ServiceLookup;
  /** Provenance stamped on every record. */
  source: string;
  emit: (record: FlowRecord) => void;
}

export interface FlowTableStats {
  /** Conversations emitted early because the table was full. */
  evicted: number;
}

const { TCP, ICMP, ICMPV6 } = Proto;
const TCP_FIN = 0x01;
const TCP_SYN = 0x02;
const TCP_RST = 0x04;
const TCP_ACK = 0x10;
const MIN_CAP = 1024;
const INDEX_START = 1024;
/** Records sampled to find the eviction cut (a quarter of the table, least recently seen first). */
const EVICT_SAMPLE = 4096;
/** Remembered listening endpoints and conversation counts per endpoint (bounded maps). */
const ENDPOINT_MEMORY = 200_000;

/**
 * Bidirectional conversations keyed by (addresses, ports, protocol, VLAN). The per-packet path
 * allocates nothing (see slots.ts for the layout). Records are emitted on idle and active timeouts
 * (packet time), when the table is full, and by flushAll().
 */
export class FlowTable {
  private pool: RecordPool;
  /** Open-addressing index (linear probing): pairs [hash, record + 1]; record 0 = empty. */
  private idx: Int32Array;
  private imask: number;
  private count = 0;
  private readonly maxFlows: number;
  private nextScan = 0;
  private now = 0;
  private readonly scanEveryMs: number;
  private readonly listeners = new Map<number, true>();
  private readonly endpointConvs = new Map<number, number>();
  private fanInSnapshot: Map<number, number> | null = null;
  private readonly scratch = new Uint32Array(4);
  readonly stats: FlowTableStats = { evicted: 0 };

  constructor(private readonly opts: FlowTableOptions) {
    this.maxFlows = Math.max(16, Math.floor(opts.maxFlows));
    const cap = Math.min(this.maxFlows, Math.max(MIN_CAP, 65536));
    this.pool = new RecordPool(cap);
    // The index starts small and grows with the number of live flows: a small index stays in cache.
    this.idx = new Int32Array(INDEX_START * 2);
    this.imask = this.idx.length / 2 - 1;
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

    let i = this.find(h, a, b, ports, meta);
    let r = this.pool.r;
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
    if (proto === ICMP || proto === ICMPV6) {
      const role = icmpRole(proto, p.icmpType);
      const ro = i * R_WORDS + R_BITS;
      if (role !== 0) this.pool.r[ro] = this.pool.r[ro] | (role << (16 + side));
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
    const idle = this.opts.idleTimeoutMs;
    const active = this.opts.activeTimeoutMs;
    const pool = this.pool;
    const r = pool.r;
    const f = pool.f;
    this.fanInSnapshot = null;
    for (let i = 0; i < pool.highWater; i++) {
      if ((r[i * R_WORDS + R_USED] & 1) === 0) continue;
      const last = f[i * F_WORDS + F_LAST];
      const empty = (r[i * R_WORDS + R_BITS] & (ST_EMPTY << 24)) !== 0;
      if (nowMs - last >= idle) {
        if (!empty) this.emit(i);
        this.remove(i);
      } else if (!empty && nowMs - f[i * F_WORDS + F_FIRST] >= active) {
        this.emit(i);
        r[i * R_WORDS + R_BITS] |= ST_EMPTY << 24;
      }
    }
    this.fanInSnapshot = null;
  }

  /** Emit every conversation held (end of input, or stop), and empty the table. */
  flushAll(): void {
    const pool = this.pool;
    const r = pool.r;
    this.fanInSnapshot = null;
    for (let i = 0; i < pool.highWater; i++) {
      if ((r[i * R_WORDS + R_USED] & 1) === 0) continue;
      if ((r[i * R_WORDS + R_BITS] & (ST_EMPTY << 24)) === 0) this.emit(i);
      pool.release(i);
    }
    this.fanInSnapshot = null;
    this.idx.fill(0);
    this.count = 0;
  }

  private find(h: number, a: Int32Array, b: Int32Array, ports: number, meta: number): number {
    const idx = this.idx;
    const mask = this.imask;
    const r = this.pool.r;
    let j = h & mask;
    for (;;) {
      const slot = idx[j * 2 + 1];
      if (slot === 0) return -1;
      if (idx[j * 2] === h) {
        const o = (slot - 1) * R_WORDS;
        if (
          r[o + R_PORTS] === ports && r[o + R_META] === meta &&
          r[o] === a[0] && r[o + 1] === a[1] && r[o + 2] === a[2] && r[o + 3] === a[3] &&
          r[o + 4] === b[0] && r[o + 5] === b[1] && r[o + 6] === b[2] && r[o + 7] === b[3]
        ) {
          return slot - 1;
        }
      }
      j = (j + 1) & mask;
    }
  }

  private insert(h: number, a: Int32Array, b: Int32Array, ports: number, meta: number, ts: number, side: number): number {
    if (this.count >= this.maxFlows) this.evictOldest();
    if (this.pool.available === 0) this.pool = this.pool.grow();
    if ((this.count + 1) * 2 > this.idx.length / 2) this.reindex();
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
    const idx = this.idx;
    let j = h & this.imask;
    while (idx[j * 2 + 1] !== 0) j = (j + 1) & this.imask;
    idx[j * 2] = h;
    idx[j * 2 + 1] = i + 1;
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
    const h = this.pool.r[i * R_WORDS + R_HASH];
    const idx = this.idx;
    const mask = this.imask;
    let j = h & mask;
    while (idx[j * 2 + 1] !== i + 1) j = (j + 1) & mask;
    // Backward-shift deletion: pull later entries of the probe run into the hole, so lookups never
    // wade through tombstones (they made misses slow as deleted flows piled up).
    let k = (j + 1) & mask;
    while (idx[k * 2 + 1] !== 0) {
      const home = idx[k * 2] & mask;
      // Move k into the hole at j unless its home lies cyclically in (j, k].
      if (j <= k ? home <= j || home > k : home <= j && home > k) {
        idx[j * 2] = idx[k * 2];
        idx[j * 2 + 1] = idx[k * 2 + 1];
        j = k;
      }
      k = (k + 1) & mask;
    }
    idx[j * 2] = 0;
    idx[j * 2 + 1] = 0;
    this.count--;
    this.pool.release(i);
  }

  /** Rebuild the index sized for the current count. */
  private reindex(): void {
    let size = this.idx.length / 2;
    while ((this.count + 1) * 4 > size) size *= 2;
    const idx = new Int32Array(size * 2);
    const mask = size - 1;
    const pool = this.pool;
    for (let i = 0; i < pool.highWater; i++) {
      if (!pool.isUsed(i)) continue;
      const h = pool.r[i * R_WORDS + R_HASH];
      let j = h & mask;
      while (idx[j * 2 + 1] !== 0) j = (j + 1) & mask;
      idx[j * 2] = h;
      idx[j * 2 + 1] = i + 1;
    }
    this.idx = idx;
    this.imask = mask;
  }

  /** The table is full: emit the least recently seen quarter so memory stays bounded. */
  private evictOldest(): void {
    const pool = this.pool;
    // The cut is estimated from a sample: sorting every flow's time on each eviction made a flood of
    // new flows (a scan, a SYN flood) quadratic-looking.
    const step = Math.max(1, Math.floor(pool.highWater / EVICT_SAMPLE));
    const sample: number[] = [];
    for (let i = 0; i < pool.highWater; i += step) if (pool.isUsed(i)) sample.push(pool.f[i * F_WORDS + F_LAST]);
    sample.sort((x, y) => x - y);
    const cut = sample[Math.max(0, Math.floor(sample.length / 4) - 1)];
    this.fanInSnapshot = null;
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
    this.fanInSnapshot = null;
    this.reindex();
  }

  private emit(i: number): void {
    const r = this.pool.r;
    const f = this.pool.f;
    const o = i * R_WORDS;
    const fo = i * F_WORDS;
    const meta = r[o + R_META];
    const proto = meta & 0xff;
    const ports = r[o + R_PORTS];
    const port0 = ports >>> 16;
    const port1 = ports & 0xffff;
    const addr0 = this.addrText(i, 0);
    const addr1 = this.addrText(i, 1);
    const bits = r[o + R_BITS];
    const st = bits >>> 24;
    let clientIs1: boolean;
    let evidenceIdx: number;
    if ((st & ST_DECIDED) !== 0) {
      clientIs1 = (st & ST_CLIENT_SIDE1) !== 0;
      evidenceIdx = r[o + R_USED] >>> 8;
    } else {
      const d = this.decide(i, proto, port0, port1);
      clientIs1 = !d.aIsClient;
      evidenceIdx = DIRECTION_EVIDENCE.indexOf(d.evidence);
      r[o + R_BITS] = bits | ((ST_DECIDED | (clientIs1 ? ST_CLIENT_SIDE1 : 0)) << 24);
      r[o + R_USED] = (r[o + R_USED] & 0xff) | (evidenceIdx << 8);
      this.remember(i, bits, clientIs1);
    }
    const c = clientIs1 ? 1 : 0;
    const v = 1 - c;
    const isIcmp = proto === ICMP || proto === ICMPV6;
    const rec: FlowRecord = {
      client: c === 0 ? addr0 : addr1,
      server: c === 0 ? addr1 : addr0,
      clientPort: c === 0 ? port0 : port1,
      // ICMP echo carries its identifier in both port fields: it names the conversation, not a service.
      serverPort: isIcmp ? 0 : c === 0 ? port1 : port0,
      proto,
      ipVersion: (meta >>> 20) & 1 ? 6 : 4,
      vlan: (meta >>> 8) & 0xfff,
      bytesC2s: f[fo + F_BYTES + c],
      bytesS2c: f[fo + F_BYTES + v],
      packetsC2s: f[fo + F_PKTS + c],
      packetsS2c: f[fo + F_PKTS + v],
      samplingRate: 1,
      tcpFlagsC2s: (bits >>> (c * 8)) & 0xff,
      tcpFlagsS2c: (bits >>> (v * 8)) & 0xff,
      firstSeen: f[fo + F_FIRST],
      lastSeen: f[fo + F_LAST],
      direction: DIRECTION_EVIDENCE[evidenceIdx],
      source: this.opts.source,
    };
    this.opts.emit(rec);
  }

  private addrText(i: number, side: number): string {
    const r = this.pool.r;
    const o = i * R_WORDS + R_ADDR + side * 4;
    this.scratch[0] = r[o];
    this.scratch[1] = r[o + 1];
    this.scratch[2] = r[o + 2];
    this.scratch[3] = r[o + 3];
    return formatAddr(this.scratch);
  }

  private decide(i: number, proto: number, port0: number, port1: number) {
    const bits = this.pool.r[i * R_WORDS + R_BITS];
    const ev = (bits >>> 16) & 0xff;
    const side1First = ((bits >>> 24) & ST_SIDE1_FIRST) !== 0;
    const key0 = this.endpointKey(i, 0);
    const key1 = this.endpointKey(i, 1);
    const a: EndpointEvidence = {
      port: port0,
      synSent: (ev & EV_SYN) !== 0,
      synAckSent: (ev & EV_SYNACK) !== 0,
      requestSent: (ev & EV_REQUEST) !== 0,
      replySent: (ev & EV_REPLY) !== 0,
      listener: this.listeners.has(key0),
      fanIn: 0,
      sentFirst: !side1First,
    };
    const b: EndpointEvidence = {
      port: port1,
      synSent: (ev & (EV_SYN << 1)) !== 0,
      synAckSent: (ev & (EV_SYNACK << 1)) !== 0,
      requestSent: (ev & (EV_REQUEST << 1)) !== 0,
      replySent: (ev & (EV_REPLY << 1)) !== 0,
      listener: this.listeners.has(key1),
      fanIn: 0,
      sentFirst: side1First,
    };
    const d = decideDirection(proto, a, b, this.opts.services);
    if (d.evidence !== 'port-rank' && d.evidence !== 'first-packet') return d;
    // Only weak evidence so far: fan-in is worth its cost (a pass over the table, once per scan).
    const fan = this.fanIn();
    a.fanIn = (fan.get(key0) ?? 0) + (this.endpointConvs.get(key0) ?? 0);
    b.fanIn = (fan.get(key1) ?? 0) + (this.endpointConvs.get(key1) ?? 0);
    return decideDirection(proto, a, b, this.opts.services);
  }

  /**
   * A number naming one end (address, port, protocol, VLAN) of record i: two independent 32-bit
   * hashes in 53 bits, so a collision (which could only sway a heuristic) is vanishingly rare, and
   * no strings are built for the direction evidence.
   */
  private endpointKey(i: number, side: number): number {
    const r = this.pool.r;
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

  /** Conversations per endpoint among those currently held; built at most once per scan. */
  private fanIn(): Map<number, number> {
    if (this.fanInSnapshot) return this.fanInSnapshot;
    const m = new Map<number, number>();
    const pool = this.pool;
    for (let i = 0; i < pool.highWater; i++) {
      if (!pool.isUsed(i)) continue;
      const k0 = this.endpointKey(i, 0);
      const k1 = this.endpointKey(i, 1);
      m.set(k0, (m.get(k0) ?? 0) + 1);
      m.set(k1, (m.get(k1) ?? 0) + 1);
    }
    this.fanInSnapshot = m;
    return m;
  }

  /** Learn from a decided conversation: its server endpoint listens, and has one more conversation. */
  private remember(i: number, bits: number, clientIs1: boolean): void {
    const proto = this.pool.r[i * R_WORDS + R_META] & 0xff;
    const serverKey = this.endpointKey(i, clientIs1 ? 0 : 1);
    const ev = (bits >>> 16) & 0xff;
    const serverSide = clientIs1 ? 0 : 1;
    if ((ev & (EV_SYNACK << serverSide)) !== 0) boundedSet(this.listeners, serverKey, true);
    if (proto !== ICMP && proto !== ICMPV6) {
      boundedSet(this.endpointConvs, serverKey, (this.endpointConvs.get(serverKey) ?? 0) + 1);
    }
  }
}



function boundedSet<V>(m: Map<number, V>, k: number, v: V): void {
  if (!m.has(k) && m.size >= ENDPOINT_MEMORY) {
    const oldest = m.keys().next().value;
    if (oldest !== undefined) m.delete(oldest);
  }
  m.set(k, v);
}

/** Handshake and close evidence from a TCP packet's flags (SYN, SYN-ACK, FIN/RST). */
function tcpEvidence(bits: number, fl: number, side: number): number {
  if ((fl & TCP_SYN) !== 0) bits |= ((fl & TCP_ACK) !== 0 ? EV_SYNACK : EV_SYN) << (16 + side);
  if ((fl & (TCP_FIN | TCP_RST)) !== 0) bits |= ST_CLOSED << 24;
  return bits;
}

/** EV_REQUEST / EV_REPLY for ICMP types that have a request/response role, else 0. */
function icmpRole(proto: number, type: number): number {
  if (proto === ICMP) {
    if (type === 8 || type === 13 || type === 15 || type === 17) return EV_REQUEST;
    if (type === 0 || type === 14 || type === 16 || type === 18) return EV_REPLY;
  } else {
    if (type === 128) return EV_REQUEST;
    if (type === 129) return EV_REPLY;
  }
  return 0;
}

function cmpWords(x: Int32Array, y: Int32Array): number {
  for (let k = 0; k < 4; k++) {
    if (x[k] !== y[k]) return x[k] < y[k] ? -1 : 1;
  }
  return 0;
}

/** Hash of a conversation key. IPv4 is held IPv4-mapped: only its last word varies. */
function hashKey(a: Int32Array, b: Int32Array, ports: number, meta: number): number {
  if ((meta & (1 << 20)) === 0) return finish(mix(mix(mix(0x811c9dc5 ^ meta, a[3]), b[3]), ports));
  let h = 0x811c9dc5 ^ meta;
  for (let k = 0; k < 4; k++) h = mix(mix(h, a[k]), b[k]);
  return finish(mix(h, ports));
}

function finish(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  return h | 0;
}

function mix(h: number, w: number): number {
  let k = Math.imul(w, 0xcc9e2d51);
  k = (k << 15) | (k >>> 17);
  k = Math.imul(k, 0x1b873593);
  h ^= k;
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

