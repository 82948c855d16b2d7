/**
 * One generated conversation: a small state machine that fills the shared PacketSpec with its next
 * packet (TCP handshake / data with real seq-ack / FIN or RST; UDP request-response with IPv4
 * fragmentation; ICMP echo) and keeps its own ground-truth counters.
 */
import type { Prng } from './prng.js';
import type { LabDnsZone, LabHost, Template } from './lab-site.js';
import { LINKTYPE } from './pcap-writer.js';
import type { PacketSpec } from './frames.js';
import { Proto, TcpFlag } from '../util/protocols.js';

const enum Phase {
  Syn,
  SynAck,
  HsAck,
  Data,
  FinA,
  FinB,
  FinC,
  Rst,
  Done,
}

function logUniform(rng: Prng, r: readonly [number, number]): number {
  if (r[0] >= r[1]) return r[0];
  return Math.round(r[0] * Math.exp(rng.next() * Math.log(r[1] / r[0])));
}

export class LabConversationSim {
  // Identity (the ground-truth key).
  readonly v6: boolean;
  readonly proto: number;
  readonly clientPort: number;
  readonly serverPort: number;
  readonly vlan: number;
  readonly vlanOuter: number;
  readonly v6Ext: number;
  // Ground truth, index 0 = client -> server, 1 = server -> client.
  readonly bytes = [0, 0];
  readonly packets = [0, 0];
  readonly flags = [0, 0];
  firstMs = -1;
  lastMs = 0;
  handshake = false;
  firstDir = -1;
  /** Direction of the packet last produced by next(). */
  dir = 0;
  /** The next packet must follow immediately (remaining IPv4 fragments of one datagram). */
  burst = false;

  private phase = Phase.Data;
  private readonly seq = [0, 0];
  private readonly ipId = [0, 0];
  private sendDir = 0;
  private left = 0;
  private unacked = 0;
  private roundsLeft: number;
  private closer = 0;
  private readonly mss: number;
  // UDP / ICMP: pending datagram(s) of the current round.
  private udpStep = 0;
  private frags: number[] = [];
  private fragIdx = 0;
  private fragId = 0;
  private datagramLen = 0;
  private payload: Buffer | null = null;
  private icmpSeq = 0;
  private readonly icmpId: number;

  constructor(
    readonly tpl: Template,
    readonly client: LabHost,
    readonly server: LabHost,
    readonly ifIndex: number,
    readonly linkType: number,
    readonly preExisting: boolean,
    private readonly rng: Prng,
    private readonly zone: LabDnsZone,
  ) {
    this.v6 = client.v6 !== null && server.v6 !== null && rng.chance(tpl.v6);
    this.proto = tpl.proto === Proto.ICMP && this.v6 ? Proto.ICMPV6 : tpl.proto;
    const eth = linkType === LINKTYPE.ETHERNET;
    this.vlan = eth ? tpl.vlan : 0;
    this.vlanOuter = eth && tpl.vlan && rng.chance(tpl.qinq) ? 100 : 0;
    this.v6Ext = this.v6 && rng.chance(0.2) ? (rng.chance(0.5) ? 0 : 60) : -1;
    this.mss = this.v6 ? 1440 : 1460;
    this.icmpId = rng.int(65536);
    const cp = tpl.clientPort;
    if (tpl.proto === Proto.ICMP) this.clientPort = this.icmpId;
    else if (typeof cp === 'number') this.clientPort = cp;
    else if (cp && !preExisting) this.clientPort = rng.range(cp[0], cp[1]);
    else this.clientPort = rng.chance(0.8) ? rng.range(32768, 60999) : rng.range(49152, 65535);
    this.serverPort = tpl.port;
    this.roundsLeft = rng.range(tpl.rounds[0], tpl.rounds[1]);
    this.seq[0] = rng.u32();
    this.seq[1] = rng.u32();
    this.ipId[0] = rng.int(65536);
    this.ipId[1] = rng.int(65536);
    this.icmpSeq = rng.int(1000);

    if (this.proto === Proto.TCP) {
      if (preExisting) {
        // Began before the capture: no handshake in the file, and often the server speaks first.
        const bulk = tpl.resp[1] > 100_000;
        this.startTransfer(rng.chance(bulk ? 0.8 : 0.5) ? 1 : 0, true);
      } else {
        this.phase = Phase.Syn;
      }
    } else if (preExisting && tpl.resp[1] > 0 && server.name !== 'dead' && rng.chance(0.5)) {
      // Request went out before the capture started: the first packet is the answer.
      this.prepareResponse();
      this.udpStep = 1;
    }
  }

  private startTransfer(dir: number, partial: boolean): void {
    this.sendDir = dir;
    const size = logUniform(this.rng, dir === 0 ? this.tpl.req : this.tpl.resp);
    this.left = partial ? 1 + this.rng.int(size) : size;
    this.unacked = 0;
  }

  private base(p: PacketSpec, dir: number): void {
    const from = dir === 0 ? this.client : this.server;
    const to = dir === 0 ? this.server : this.client;
    p.linkType = this.linkType;
    p.vlan = this.vlan;
    p.vlanOuter = this.vlanOuter;
    p.srcMac = from.mac;
    p.dstMac = to.mac;
    p.outgoing = dir === 0;
    p.ipVersion = this.v6 ? 6 : 4;
    p.src = this.v6 ? (from.v6 as Buffer) : from.v4;
    p.dst = this.v6 ? (to.v6 as Buffer) : to.v4;
    p.ttl = from.local ? 64 : 54;
    p.ipId = this.ipId[dir] = (this.ipId[dir] + 1) & 0xffff;
    p.dontFragment = this.proto === Proto.TCP;
    p.fragPayload = 0;
    p.fragOffset = 0;
    p.moreFragments = false;
    p.v6Ext = this.v6Ext;
    p.proto = this.proto;
    p.mss = 0;
    p.payload = null;
    p.payloadLen = 0;
    p.srcPort = dir === 0 ? this.clientPort : this.serverPort;
    p.dstPort = dir === 0 ? this.serverPort : this.clientPort;
    this.dir = dir;
  }

  /** Fill `p` with the next packet; false when the conversation is over (nothing filled). */
  next(p: PacketSpec): boolean {
    this.burst = false;
    if (this.proto === Proto.TCP) return this.nextTcp(p);
    if (this.proto === Proto.UDP) return this.nextUdp(p);
    return this.nextIcmp(p);
  }

  private tcp(p: PacketSpec, dir: number, flags: number, len: number): void {
    this.base(p, dir);
    p.seq = this.seq[dir];
    p.ack = this.seq[1 - dir];
    p.tcpFlags = flags;
    p.payloadLen = len;
    p.window = dir === 0 ? 64240 : 65160;
    this.seq[dir] = (this.seq[dir] + len + (flags & (TcpFlag.SYN | TcpFlag.FIN) ? 1 : 0)) >>> 0;
  }

  private nextTcp(p: PacketSpec): boolean {
    switch (this.phase) {
      case Phase.Syn:
        this.tcp(p, 0, TcpFlag.SYN, 0);
        p.mss = this.mss;
        this.handshake = true;
        this.phase = Phase.SynAck;
        return true;
      case Phase.SynAck:
        this.tcp(p, 1, TcpFlag.SYN | TcpFlag.ACK, 0);
        p.mss = this.mss;
        this.phase = Phase.HsAck;
        return true;
      case Phase.HsAck:
        this.tcp(p, 0, TcpFlag.ACK, 0);
        this.phase = Phase.Data;
        if (this.tpl.greeting) {
          this.sendDir = 1;
          this.left = this.tpl.greeting;
          this.roundsLeft++; // the greeting is an extra half-round
        } else {
          this.startTransfer(0, false);
        }
        return true;
      case Phase.Data:
        return this.nextData(p);
      case Phase.FinA:
        this.tcp(p, this.closer, TcpFlag.FIN | TcpFlag.ACK, 0);
        this.phase = Phase.FinB;
        return true;
      case Phase.FinB:
        this.tcp(p, 1 - this.closer, TcpFlag.FIN | TcpFlag.ACK, 0);
        this.phase = Phase.FinC;
        return true;
      case Phase.FinC:
        this.tcp(p, this.closer, TcpFlag.ACK, 0);
        this.phase = Phase.Done;
        return true;
      case Phase.Rst:
        this.tcp(p, this.closer, TcpFlag.RST | TcpFlag.ACK, 0);
        this.phase = Phase.Done;
        return true;
      default:
        return false;
    }
  }

  private nextData(p: PacketSpec): boolean {
    const d = this.sendDir;
    if (this.unacked >= 2 || (this.left === 0 && this.unacked > 0)) {
      this.tcp(p, 1 - d, TcpFlag.ACK, 0); // (delayed) ACK from the receiver
      this.unacked = 0;
      if (this.left === 0) this.endTransfer();
      return true;
    }
    if (this.left > 0) {
      const seg = this.left < this.mss ? this.left : this.mss;
      this.left -= seg;
      this.tcp(p, d, this.left === 0 ? TcpFlag.ACK | TcpFlag.PSH : TcpFlag.ACK, seg);
      this.unacked++;
      return true;
    }
    this.endTransfer();
    return this.nextTcp(p);
  }

  private endTransfer(): void {
    if (this.sendDir === 0) {
      this.startTransfer(1, false);
      return;
    }
    this.roundsLeft--;
    if (this.roundsLeft > 0) {
      this.startTransfer(0, false);
      return;
    }
    const r = this.rng.next();
    this.closer = this.rng.chance(0.8) ? 0 : 1;
    this.phase = r < 0.85 ? Phase.FinA : r < 0.95 ? Phase.Rst : Phase.Done;
  }

  private isDns(): boolean {
    return this.serverPort === 53;
  }

  private prepareRequest(): void {
    this.payload = null;
    if (this.isDns()) {
      this.payload = dnsMessage(this.rng, this.zone, false, this.v6, 0);
      this.datagramLen = this.payload.length;
    } else {
      this.datagramLen = logUniform(this.rng, this.tpl.req);
    }
  }

  private prepareResponse(): void {
    this.payload = null;
    const big = this.tpl.bigResp !== undefined && this.rng.chance(this.tpl.bigResp);
    if (this.isDns()) {
      this.payload = dnsMessage(this.rng, this.zone, true, this.v6, big ? this.rng.range(1800, 4000) : 0);
      this.datagramLen = this.payload.length;
    } else {
      this.datagramLen = logUniform(this.rng, this.tpl.resp);
    }
    // IPv6 datagrams stay below the MTU (no IPv6 fragment headers generated).
    if (this.v6 && this.datagramLen > 1200) {
      this.datagramLen = 1200;
      if (this.payload) this.payload = this.payload.subarray(0, 1200);
    }
  }

  /** Split the datagram into IPv4 fragments (offsets); sometimes emitted last-first. */
  private fragment(): void {
    const total = 8 + this.datagramLen;
    this.frags = [];
    if (this.v6 || 20 + total <= 1500) return;
    for (let o = 0; o < total; o += 1480) this.frags.push(o);
    if (this.rng.chance(0.3)) this.frags.reverse();
    else if (this.rng.chance(0.2)) [this.frags[0], this.frags[1]] = [this.frags[1], this.frags[0]];
    this.fragIdx = 0;
    this.fragId = this.rng.int(65536);
  }

  private udp(p: PacketSpec, dir: number): void {
    this.base(p, dir);
    p.payloadLen = this.datagramLen;
    p.payload = this.payload;
    if (this.frags.length > 0) {
      const off = this.frags[this.fragIdx++];
      const total = 8 + this.datagramLen;
      p.fragOffset = off;
      p.fragPayload = Math.min(1480, total - off);
      p.moreFragments = off + 1480 < total;
      p.ipId = this.fragId; // one id for all fragments of the datagram
      this.burst = this.fragIdx < this.frags.length;
    }
  }

  private nextUdp(p: PacketSpec): boolean {
    for (;;) {
      if (this.udpStep === 0) {
        if (this.roundsLeft <= 0) return false;
        this.prepareRequest();
        this.fragment();
        this.udpStep = 1;
        this.udp(p, 0);
        if (this.frags.length > 0 && this.fragIdx < this.frags.length) this.udpStep = 3;
        else this.afterRequest();
        return true;
      }
      if (this.udpStep === 3) {
        this.udp(p, 0);
        if (this.fragIdx >= this.frags.length) this.afterRequest();
        return true;
      }
      if (this.udpStep === 1) {
        // Response (first fragment or whole datagram).
        if (this.payload === null && this.datagramLen === 0) this.prepareResponse();
        this.fragment();
        this.udp(p, 1);
        this.udpStep = this.frags.length > 0 && this.fragIdx < this.frags.length ? 2 : 0;
        if (this.udpStep === 0) this.roundsLeft--;
        return true;
      }
      if (this.udpStep === 2) {
        this.udp(p, 1);
        if (this.fragIdx >= this.frags.length) {
          this.udpStep = 0;
          this.roundsLeft--;
        }
        return true;
      }
    }
  }

  private afterRequest(): void {
    const lossy = this.tpl.lossy ?? 0;
    if (this.tpl.resp[1] === 0 || this.rng.chance(lossy)) {
      this.udpStep = 0;
      this.roundsLeft--;
      return;
    }
    this.prepareResponse();
    this.udpStep = 1;
  }

  private nextIcmp(p: PacketSpec): boolean {
    if (this.udpStep === 0) {
      if (this.roundsLeft <= 0) return false;
      this.icmpSeq = (this.icmpSeq + 1) & 0xffff;
      this.icmp(p, 0);
      const dead = this.server.name === 'dead';
      if (dead || this.rng.chance(this.tpl.lossy ?? 0)) this.roundsLeft--;
      else this.udpStep = 1;
      return true;
    }
    this.icmp(p, 1);
    this.udpStep = 0;
    this.roundsLeft--;
    return true;
  }

  private icmp(p: PacketSpec, dir: number): void {
    this.base(p, dir);
    p.srcPort = p.dstPort = 0;
    p.icmpType = this.v6 ? (dir === 0 ? 128 : 129) : dir === 0 ? 8 : 0;
    p.icmpCode = 0;
    p.icmpId = this.icmpId;
    p.icmpSeq = this.icmpSeq;
    p.payloadLen = 56;
  }
}

/**
 * A plausible DNS query or answer (A or AAAA) for a name of the zone, optionally padded to `padTo`
 * bytes (big EDNS answers). The answer is the zone's address when it has one, else random.
 */
function dnsMessage(rng: Prng, zone: LabDnsZone, response: boolean, aaaa: boolean, padTo: number): Buffer {
  const which = rng.int(zone.names.length);
  const name = zone.names[which];
  const labels = name.split('.');
  const qlen = labels.reduce((n, l) => n + 1 + l.length, 1) + 4;
  const alen = response ? 12 + (aaaa ? 16 : 4) : 0;
  const len = Math.max(12 + qlen + alen, padTo);
  const b = Buffer.alloc(len);
  b.writeUInt16BE(rng.int(65536), 0);
  b.writeUInt16BE(response ? 0x8180 : 0x0100, 2);
  b.writeUInt16BE(1, 4);
  b.writeUInt16BE(response ? 1 : 0, 6);
  let o = 12;
  for (const l of labels) {
    b[o++] = l.length;
    o += b.write(l, o, 'ascii');
  }
  b[o++] = 0;
  b.writeUInt16BE(aaaa ? 28 : 1, o);
  b.writeUInt16BE(1, o + 2);
  o += 4;
  if (response) {
    b.writeUInt16BE(0xc00c, o);
    b.writeUInt16BE(aaaa ? 28 : 1, o + 2);
    b.writeUInt16BE(1, o + 4);
    b.writeUInt32BE(300, o + 6);
    b.writeUInt16BE(aaaa ? 16 : 4, o + 10);
    o += 12;
    const known = aaaa ? undefined : zone.v4?.[which];
    if (known) known.copy(b, o);
    else for (let i = 0; i < (aaaa ? 16 : 4); i++) b[o + i] = rng.int(256);
  }
  return b;
}
