import type { PacketInfo } from '../decode/packet.js';
import { formatAddr } from '../util/ip.js';
import { decideDirection, type EndpointEvidence, type ServiceLookup } from './direction.js';
import { DIRECTION_EVIDENCE, type FlowRecord } from './record.js';
import {
  DELETED,
  EMPTY,
  EV_REPLY,
  EV_REQUEST,
  EV_SYN,
  EV_SYNACK,
  ST_CLIENT_SIDE1,
  ST_CLOSED,
  ST_DECIDED,
  ST_EMPTY,
  ST_SIDE1_FIRST,
  Slots,
  USED,
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
  packets: number;
  records: number;
  /** Conversations emitted early because the table was full. */
  evicted: number;
  active: number;
}

const TCP = 6;
const ICMP = 1;
const ICMPV6 = 58;
const TCP_FIN = 0x01;
const TCP_SYN = 0x02;
const TCP_RST = 0x04;
const TCP_ACK = 0x10;
const MIN_CAP = 1024;
const MAX_LOAD = 0.6;
/** Remembered listening endpoints and conversation counts per endpoint (bounded maps). */
const ENDPOINT_MEMORY = 200_000;

/**
 * Bidirectional conversations keyed by (addresses, ports, protocol, VLAN), in an open-addressing
 * hash table over typed arrays: the per-packet path allocates nothing. Records are emitted on idle
 * and active timeouts (packet time), when the table is full, and by flushAll().
 */
export class FlowTable {
  private s: Slots;
  private count = 0;
  private tombstones = 0;
  private readonly maxCap: number;
  private nextScan = 0;
  private now = 0;
  private readonly scanEveryMs: number;
  private readonly listeners = new Map<string, true>();
  private readonly endpointConvs = new Map<string, number>();
  private fanInSnapshot: Map<string, number> | null = null;
  private readonly scratch = new Uint32Array(4);
  readonly stats: FlowTableStats = { packets: 0, records: 0, evicted: 0, active: 0 };

  constructor(private readonly opts: FlowTableOptions) {
    const maxFlows = Math.max(16, Math.floor(opts.maxFlows));
    this.maxCap = nextPow2(Math.ceil(maxFlows / MAX_LOAD) + 1);
    this.s = new Slots(Math.min(this.maxCap, Math.max(MIN_CAP, nextPow2(Math.min(maxFlows, 65536)))));
    this.scanEveryMs = Math.max(100, Math.min(1000, opts.idleTimeoutMs / 2, opts.activeTimeoutMs / 2));
  }

  get size(): number {
    return this.count;
  }

  /** Account one decoded packet. */
  add(p: PacketInfo): void {
    const ts = p.tsMs;
    if (ts > this.now) this.now = ts;
    if (this.now >= this.nextScan) {
      if (this.nextScan !== 0) this.expire(this.now);
      this.nextScan = this.now + this.scanEveryMs;
    }
    this.stats.packets++;
    const src = p.src;
    const dst = p.dst;
    // Canonical order: side 0 is the smaller (address, port) end.
    let c = cmpWords(src, dst);
    if (c === 0) c = p.srcPort < p.dstPort ? -1 : p.srcPort > p.dstPort ? 1 : 0;
    const fromSide1 = c > 0;
    const a = fromSide1 ? dst : src;
    const b = fromSide1 ? src : dst;
    const ports = fromSide1 ? ((p.dstPort << 16) | p.srcPort) >>> 0 : ((p.srcPort << 16) | p.dstPort) >>> 0;
    const meta = (p.proto | (p.vlan << 8) | (p.ipVersion === 6 ? 1 << 20 : 0)) >>> 0;
    const h = hashKey(a, b, ports, meta);

    let s = this.s;
    let i = this.find(s, h, a, b, ports, meta);
    if (i < 0) {
      if (this.count >= this.opts.maxFlows) this.evictOldest();
      if ((this.count + this.tombstones + 1) > s.cap * MAX_LOAD) this.rebuild();
      s = this.s;
      i = this.insertSlot(s, h, a, b, ports, meta, ts, fromSide1);
    } else if (p.proto === TCP && (s.state[i] & ST_CLOSED) !== 0 && (p.tcpFlags & (TCP_SYN | TCP_ACK)) === TCP_SYN) {
      // Port reuse: a fresh SYN after FIN/RST is a new conversation.
      if ((s.state[i] & ST_EMPTY) === 0) this.emitSlot(s, i);
      this.resetSlot(s, i, ts, fromSide1);
      s.state[i] = fromSide1 ? ST_SIDE1_FIRST : 0;
      s.ev[i] = 0;
    } else if ((s.state[i] & ST_EMPTY) !== 0) {
      this.resetSlot(s, i, ts, fromSide1);
    }

    const side = fromSide1 ? 1 : 0;
    const bytes = p.ipBytes + p.heldBytes;
    s.bytes[i * 2 + side] += bytes;
    s.pkts[i * 2 + side] += 1 + p.heldPackets;
    if (ts > s.last[i]) s.last[i] = ts;
    if (ts < s.first[i]) s.first[i] = ts;

    const proto = p.proto;
    if (proto === TCP) {
      const f = p.tcpFlags;
      s.flags[i * 2 + side] |= f;
      if ((f & TCP_SYN) !== 0) s.ev[i] |= ((f & TCP_ACK) !== 0 ? EV_SYNACK : EV_SYN) << side;
      if ((f & (TCP_FIN | TCP_RST)) !== 0) s.state[i] |= ST_CLOSED;
    } else if (proto === ICMP || proto === ICMPV6) {
      const role = icmpRole(proto, p.icmpType);
      if (role !== 0) s.ev[i] |= role << side;
    }
  }

  /** Emit conversations idle past the idle timeout, and cut those past the active timeout. */
  expire(nowMs: number): void {
    if (nowMs > this.now) this.now = nowMs;
    const s = this.s;
    const idle = this.opts.idleTimeoutMs;
    const active = this.opts.activeTimeoutMs;
    this.fanInSnapshot = null;
    for (let i = 0; i < s.cap; i++) {
      if (s.used[i] !== USED) continue;
      if ((s.state[i] & ST_EMPTY) !== 0) {
        if (nowMs - s.last[i] >= idle) this.deleteSlot(s, i);
        continue;
      }
      if (nowMs - s.last[i] >= idle) {
        this.emitSlot(s, i);
        this.deleteSlot(s, i);
      } else if (nowMs - s.first[i] >= active) {
        this.emitSlot(s, i);
        s.state[i] |= ST_EMPTY;
      }
    }
    this.fanInSnapshot = null;
    this.stats.active = this.count;
  }

  /** Emit every conversation held (end of input, or stop). */
  flushAll(): void {
    const s = this.s;
    this.fanInSnapshot = null;
    for (let i = 0; i < s.cap; i++) {
      if (s.used[i] !== USED) continue;
      if ((s.state[i] & ST_EMPTY) === 0) this.emitSlot(s, i);
    }
    this.fanInSnapshot = null;
    this.s = new Slots(this.s.cap);
    this.count = 0;
    this.tombstones = 0;
    this.stats.active = 0;
  }

  private find(s: Slots, h: number, a: Uint32Array, b: Uint32Array, ports: number, meta: number): number {
    let i = h & s.mask;
    for (;;) {
      const u = s.used[i];
      if (u === EMPTY) return -1;
      if (u === USED && s.hash[i] === h && s.ports[i] === ports && s.meta[i] === meta) {
        const o = i * 8;
        const w = s.addr;
        if (
          w[o] === a[0] && w[o + 1] === a[1] && w[o + 2] === a[2] && w[o + 3] === a[3] &&
          w[o + 4] === b[0] && w[o + 5] === b[1] && w[o + 6] === b[2] && w[o + 7] === b[3]
        ) {
          return i;
        }
      }
      i = (i + 1) & s.mask;
    }
  }

  private insertSlot(
    s: Slots,
    h: number,
    a: Uint32Array,
    b: Uint32Array,
    ports: number,
    meta: number,
    ts: number,
    fromSide1: boolean,
  ): number {
    let i = h & s.mask;
    while (s.used[i] === USED) i = (i + 1) & s.mask;
    if (s.used[i] === DELETED) this.tombstones--;
    s.used[i] = USED;
    s.hash[i] = h;
    const o = i * 8;
    s.addr[o] = a[0];
    s.addr[o + 1] = a[1];
    s.addr[o + 2] = a[2];
    s.addr[o + 3] = a[3];
    s.addr[o + 4] = b[0];
    s.addr[o + 5] = b[1];
    s.addr[o + 6] = b[2];
    s.addr[o + 7] = b[3];
    s.ports[i] = ports;
    s.meta[i] = meta;
    s.ev[i] = 0;
    s.state[i] = 0;
    s.evidence[i] = 0;
    this.resetSlot(s, i, ts, fromSide1);
    this.count++;
    return i;
  }

  /** Zero the counters for a new record of the conversation in slot i. */
  private resetSlot(s: Slots, i: number, ts: number, fromSide1: boolean): void {
    s.bytes[i * 2] = 0;
    s.bytes[i * 2 + 1] = 0;
    s.pkts[i * 2] = 0;
    s.pkts[i * 2 + 1] = 0;
    s.flags[i * 2] = 0;
    s.flags[i * 2 + 1] = 0;
    s.first[i] = ts;
    s.last[i] = ts;
    let st = s.state[i] & ~ST_EMPTY;
    if ((st & ST_DECIDED) === 0) st = fromSide1 ? st | ST_SIDE1_FIRST : st & ~ST_SIDE1_FIRST;
    s.state[i] = st;
  }

  private deleteSlot(s: Slots, i: number): void {
    s.used[i] = DELETED;
    this.count--;
    this.tombstones++;
  }

  /** Rehash live slots into a table sized for the current count (drops tombstones, grows if needed). */
  private rebuild(): void {
    const old = this.s;
    let cap = old.cap;
    while ((this.count + 1) > cap * MAX_LOAD / 2 && cap < this.maxCap) cap *= 2;
    const s = new Slots(cap);
    for (let i = 0; i < old.cap; i++) {
      if (old.used[i] !== USED) continue;
      let j = old.hash[i] & s.mask;
      while (s.used[j] !== EMPTY) j = (j + 1) & s.mask;
      s.copyFrom(old, i, j);
    }
    this.s = s;
    this.tombstones = 0;
  }

  /** The table is full: emit the least recently seen quarter so memory stays bounded. */
  private evictOldest(): void {
    const s = this.s;
    const lasts = new Float64Array(this.count);
    let n = 0;
    for (let i = 0; i < s.cap; i++) if (s.used[i] === USED) lasts[n++] = s.last[i];
    lasts.sort();
    const cut = lasts[Math.max(0, Math.floor(n / 4) - 1)];
    this.fanInSnapshot = null;
    for (let i = 0; i < s.cap; i++) {
      if (s.used[i] !== USED || s.last[i] > cut) continue;
      if ((s.state[i] & ST_EMPTY) === 0) {
        this.emitSlot(s, i);
        this.stats.evicted++;
      }
      this.deleteSlot(s, i);
    }
    this.fanInSnapshot = null;
    this.rebuild();
  }

  private emitSlot(s: Slots, i: number): void {
    const meta = s.meta[i];
    const proto = meta & 0xff;
    const vlan = (meta >>> 8) & 0xfff;
    const ports = s.ports[i];
    const port0 = ports >>> 16;
    const port1 = ports & 0xffff;
    const addr0 = this.addrText(s, i, 0);
    const addr1 = this.addrText(s, i, 1);
    const st = s.state[i];
    let clientIs1: boolean;
    let evidenceIdx: number;
    if ((st & ST_DECIDED) !== 0) {
      clientIs1 = (st & ST_CLIENT_SIDE1) !== 0;
      evidenceIdx = s.evidence[i];
    } else {
      const d = this.decide(s, i, proto, addr0, port0, addr1, port1);
      clientIs1 = !d.aIsClient;
      evidenceIdx = DIRECTION_EVIDENCE.indexOf(d.evidence);
      s.state[i] = st | ST_DECIDED | (clientIs1 ? ST_CLIENT_SIDE1 : 0);
      s.evidence[i] = evidenceIdx;
      this.remember(s, i, proto, addr0, port0, addr1, port1, clientIs1);
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
      vlan,
      bytesC2s: s.bytes[i * 2 + c],
      bytesS2c: s.bytes[i * 2 + v],
      packetsC2s: s.pkts[i * 2 + c],
      packetsS2c: s.pkts[i * 2 + v],
      samplingRate: 1,
      tcpFlagsC2s: s.flags[i * 2 + c],
      tcpFlagsS2c: s.flags[i * 2 + v],
      firstSeen: s.first[i],
      lastSeen: s.last[i],
      direction: DIRECTION_EVIDENCE[evidenceIdx],
      source: this.opts.source,
    };
    this.stats.records++;
    this.opts.emit(rec);
  }

  private addrText(s: Slots, i: number, side: number): string {
    const o = i * 8 + side * 4;
    this.scratch[0] = s.addr[o];
    this.scratch[1] = s.addr[o + 1];
    this.scratch[2] = s.addr[o + 2];
    this.scratch[3] = s.addr[o + 3];
    return formatAddr(this.scratch);
  }

  private decide(s: Slots, i: number, proto: number, addr0: string, port0: number, addr1: string, port1: number) {
    const ev = s.ev[i];
    const side1First = (s.state[i] & ST_SIDE1_FIRST) !== 0;
    const key0 = endpointKey(proto, addr0, port0);
    const key1 = endpointKey(proto, addr1, port1);
    const needFanIn = (ev & (EV_SYN | EV_SYN << 1 | EV_SYNACK | EV_SYNACK << 1 | EV_REQUEST | EV_REQUEST << 1 | EV_REPLY | EV_REPLY << 1)) === 0;
    const fan = needFanIn ? this.fanIn() : null;
    const a: EndpointEvidence = {
      port: port0,
      synSent: (ev & EV_SYN) !== 0,
      synAckSent: (ev & EV_SYNACK) !== 0,
      requestSent: (ev & EV_REQUEST) !== 0,
      replySent: (ev & EV_REPLY) !== 0,
      listener: this.listeners.has(key0),
      fanIn: fan ? (fan.get(key0) ?? 0) + (this.endpointConvs.get(key0) ?? 0) : 0,
      sentFirst: !side1First,
    };
    const b: EndpointEvidence = {
      port: port1,
      synSent: (ev & (EV_SYN << 1)) !== 0,
      synAckSent: (ev & (EV_SYNACK << 1)) !== 0,
      requestSent: (ev & (EV_REQUEST << 1)) !== 0,
      replySent: (ev & (EV_REPLY << 1)) !== 0,
      listener: this.listeners.has(key1),
      fanIn: fan ? (fan.get(key1) ?? 0) + (this.endpointConvs.get(key1) ?? 0) : 0,
      sentFirst: side1First,
    };
    return decideDirection(proto, a, b, this.opts.services);
  }

  /** Conversations per endpoint among those currently held; built at most once per scan. */
  private fanIn(): Map<string, number> {
    if (this.fanInSnapshot) return this.fanInSnapshot;
    const m = new Map<string, number>();
    const s = this.s;
    for (let i = 0; i < s.cap; i++) {
      if (s.used[i] !== USED) continue;
      const proto = s.meta[i] & 0xff;
      const ports = s.ports[i];
      const k0 = endpointKey(proto, this.addrText(s, i, 0), ports >>> 16);
      const k1 = endpointKey(proto, this.addrText(s, i, 1), ports & 0xffff);
      m.set(k0, (m.get(k0) ?? 0) + 1);
      m.set(k1, (m.get(k1) ?? 0) + 1);
    }
    this.fanInSnapshot = m;
    return m;
  }

  /** Learn from a decided conversation: its server endpoint listens, and it has one more conversation. */
  private remember(
    s: Slots,
    i: number,
    proto: number,
    addr0: string,
    port0: number,
    addr1: string,
    port1: number,
    clientIs1: boolean,
  ): void {
    const serverKey = clientIs1 ? endpointKey(proto, addr0, port0) : endpointKey(proto, addr1, port1);
    const ev = s.ev[i];
    const serverSide = clientIs1 ? 0 : 1;
    if ((ev & (EV_SYNACK << serverSide)) !== 0) boundedSet(this.listeners, serverKey, true);
    if (proto !== ICMP && proto !== ICMPV6) {
      boundedSet(this.endpointConvs, serverKey, (this.endpointConvs.get(serverKey) ?? 0) + 1);
    }
  }
}

function endpointKey(proto: number, addr: string, port: number): string {
  return `${proto}|${addr}|${port}`;
}

function boundedSet<V>(m: Map<string, V>, k: string, v: V): void {
  if (!m.has(k) && m.size >= ENDPOINT_MEMORY) {
    const oldest = m.keys().next().value;
    if (oldest !== undefined) m.delete(oldest);
  }
  m.set(k, v);
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

function cmpWords(x: Uint32Array, y: Uint32Array): number {
  for (let k = 0; k < 4; k++) {
    if (x[k] !== y[k]) return x[k] < y[k] ? -1 : 1;
  }
  return 0;
}

function hashKey(a: Uint32Array, b: Uint32Array, ports: number, meta: number): number {
  let h = 0x811c9dc5 ^ meta;
  h = mix(h, a[0]);
  h = mix(h, a[1]);
  h = mix(h, a[2]);
  h = mix(h, a[3]);
  h = mix(h, b[0]);
  h = mix(h, b[1]);
  h = mix(h, b[2]);
  h = mix(h, b[3]);
  h = mix(h, ports);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  return h >>> 0;
}

function mix(h: number, w: number): number {
  let k = Math.imul(w, 0xcc9e2d51);
  k = (k << 15) | (k >>> 17);
  k = Math.imul(k, 0x1b873593);
  h ^= k;
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

function nextPow2(n: number): number {
  let p = 1;
  while (p < n) p *= 2;
  return p;
}
