/**
 * Frame builder for the generator: link layer (Ethernet with 802.1Q / QinQ tags, Linux SLL/SLL2,
 * raw IP) + IPv4/IPv6 (optional 8-byte extension header, IPv4 fragments) + TCP/UDP/ICMP/ICMPv6,
 * with every length field and checksum correct. One PacketSpec and one FrameBuilder are reused for
 * all packets (no per-packet allocation).
 */
import { LINKTYPE } from './pcap-writer.js';
import { Proto, TcpFlag } from '../util/protocols.js';

export const ETHERTYPE_IPV4 = 0x0800;
export const ETHERTYPE_IPV6 = 0x86dd;
export const ETHERTYPE_ARP = 0x0806;



/** Mutable description of the next packet. Fields not relevant to the protocol are ignored. */
export class PacketSpec {
  linkType: number = LINKTYPE.ETHERNET;
  /** Outer S-tag (QinQ, 0x88a8) id, 0 = none. Only with `vlan` set. Ethernet only. */
  vlanOuter = 0;
  /** 802.1Q tag id, 0 = untagged. Ethernet only. */
  vlan = 0;
  srcMac: Buffer = Buffer.alloc(6);
  dstMac: Buffer = Buffer.alloc(6);
  /** SLL packet type: true = sent by the capturing host (4), false = to it (0). */
  outgoing = false;
  ipVersion: 4 | 6 = 4;
  /** 4 or 16 bytes, network order. */
  src: Buffer = Buffer.alloc(4);
  dst: Buffer = Buffer.alloc(4);
  ttl = 64;
  ipId = 0;
  dontFragment = true;
  /** IPv4 fragment: byte offset of this fragment's payload in the datagram (multiple of 8). */
  fragOffset = 0;
  moreFragments = false;
  /** IPv4 fragment: IP payload bytes carried by this fragment; 0 = not a fragment. */
  fragPayload = 0;
  /** IPv6: next-header value of one 8-byte extension header before the transport (0 hop-by-hop, 60 dest-opts), -1 = none. */
  v6Ext = -1;
  proto: number = Proto.TCP;
  srcPort = 0;
  dstPort = 0;
  seq = 0;
  ack = 0;
  tcpFlags = 0;
  window = 64240;
  /** Add a 4-byte MSS option (SYN / SYN-ACK). */
  mss = 0;
  icmpType = 8;
  icmpCode = 0;
  icmpId = 0;
  icmpSeq = 0;
  /** Application payload length after the transport header (whole datagram for fragments). */
  payloadLen = 0;
  /** Optional payload bytes (e.g. a DNS message); the rest of payloadLen is zeros. */
  payload: Buffer | null = null;
}

/** Byte loop: Buffer.copy has a high fixed cost for the 4-16 byte copies done per packet. */
function put(src: Buffer, dst: Buffer, at: number): void {
  for (let i = 0; i < src.length; i++) dst[at + i] = src[i];
}

/** Big-endian stores without Buffer's range checks (offsets here are always in bounds). */
function w16(b: Buffer, v: number, at: number): void {
  b[at] = (v >>> 8) & 0xff;
  b[at + 1] = v & 0xff;
}

function w32(b: Buffer, v: number, at: number): void {
  b[at] = (v >>> 24) & 0xff;
  b[at + 1] = (v >>> 16) & 0xff;
  b[at + 2] = (v >>> 8) & 0xff;
  b[at + 3] = v & 0xff;
}

function zero(dst: Buffer, from: number, to: number): void {
  if (to - from > 64) dst.fill(0, from, to);
  else for (let i = from; i < to; i++) dst[i] = 0;
}

function sum16(buf: Buffer, start: number, end: number, acc: number): number {
  let i = start;
  for (; i + 1 < end; i += 2) acc += (buf[i] << 8) | buf[i + 1];
  if (i < end) acc += buf[i] << 8;
  return acc;
}

function fold(acc: number): number {
  while (acc > 0xffff) acc = (acc & 0xffff) + Math.floor(acc / 65536);
  return acc;
}

export class FrameBuilder {
  /** Scratch frame: valid until the next build() into it. */
  readonly buf = Buffer.alloc(65536 + 256);
  /** Where the current build writes: `out[base...]` (the scratch buffer, or a writer's buffer). */
  private out: Buffer = this.buf;
  private base = 0;
  /** Bytes of `buf` filled by the last build (frame prefix up to the cap limit). */
  capLen = 0;
  /** IP-layer octets of the last build (IPv4 total length / IPv6 40 + payload length). */
  ipBytes = 0;

  /**
   * Build one frame at `out[base...]` (default: the scratch `buf`); returns its length on the wire.
   * Bytes beyond `capLimit` are not written (the writer truncates to its snaplen anyway), but
   * headers always are, and short Ethernet frames are padded to 60: `out` needs
   * max(capLimit, 128) bytes of room.
   */
  build(p: PacketSpec, capLimit: number, out: Buffer = this.buf, base = 0): number {
    this.out = out;
    this.base = base;
    const b = out;
    const ethertype = p.ipVersion === 4 ? ETHERTYPE_IPV4 : ETHERTYPE_IPV6;
    let off = this.link(p, ethertype);

    const frag = p.ipVersion === 4 && p.fragPayload > 0;
    const firstFrag = !frag || p.fragOffset === 0;
    const l4Hdr = p.proto === Proto.TCP ? (p.mss ? 24 : 20) : 8;
    const l4Total = l4Hdr + p.payloadLen;
    const ipPayload = frag ? p.fragPayload : l4Total + (p.ipVersion === 6 && p.v6Ext >= 0 ? 8 : 0);

    if (p.ipVersion === 4) {
      b[off] = 0x45;
      b[off + 1] = 0;
      w16(b, 20 + ipPayload, off + 2);
      w16(b, p.ipId & 0xffff, off + 4);
      const ff = (p.dontFragment && !frag ? 0x4000 : 0) | (p.moreFragments ? 0x2000 : 0) | (p.fragOffset >>> 3);
      w16(b, ff, off + 6);
      b[off + 8] = p.ttl;
      b[off + 9] = p.proto;
      b[off + 10] = 0;
      b[off + 11] = 0;
      put(p.src, b, off + 12);
      put(p.dst, b, off + 16);
      w16(b, ~fold(sum16(b, off, off + 20, 0)) & 0xffff, off + 10);
      off += 20;
      this.ipBytes = 20 + ipPayload;
    } else {
      w32(b, 0x60000000, off);
      w16(b, ipPayload, off + 4);
      b[off + 6] = p.v6Ext >= 0 ? p.v6Ext : p.proto;
      b[off + 7] = p.ttl;
      put(p.src, b, off + 8);
      put(p.dst, b, off + 24);
      off += 40;
      if (p.v6Ext >= 0) {
        // Hop-by-hop / destination options header: next header, length 0 (8 bytes), PadN(4) option.
        b[off] = p.proto;
        b[off + 1] = 0;
        b[off + 2] = 1;
        b[off + 3] = 4;
        w32(b, 0, off + 4);
        off += 8;
      }
      this.ipBytes = 40 + ipPayload;
    }

    const l4Start = off;
    let dataLen: number; // bytes after the transport header (or after the IP header for later fragments)
    if (firstFrag) {
      this.transport(p, off, l4Total);
      off += l4Hdr;
      dataLen = frag ? p.fragPayload - l4Hdr : p.payloadLen;
    } else {
      dataLen = p.fragPayload;
    }
    const wire = off - base + dataLen;
    // Payload: copy the application bytes that fall in this packet, zeros elsewhere, up to the cap.
    const payloadPos = firstFrag ? 0 : p.fragOffset - 8; // offset into the UDP payload
    const end = base + Math.min(wire, capLimit);
    if (end > off) zero(b, off, end);
    if (p.payload && end > off) {
      const from = Math.max(0, payloadPos);
      const to = Math.min(p.payload.length, from + (end - off));
      if (to > from) p.payload.copy(b, off, from, to);
    }
    if (firstFrag) this.checksum(p, l4Start, l4Total);
    let frameLen = wire;
    if (p.linkType === LINKTYPE.ETHERNET && frameLen < 60) {
      // Short Ethernet frames are padded on the wire: frame length > IP length.
      zero(b, base + frameLen, base + 60);
      frameLen = 60;
    }
    this.capLen = Math.max(Math.min(frameLen, capLimit), off - base);
    return frameLen;
  }

  /** An ARP request (Ethernet only) — a non-IP frame the decoder must skip. */
  buildArp(srcMac: Buffer, senderIp: Buffer, targetIp: Buffer): number {
    const b = this.buf;
    b.fill(0xff, 0, 6);
    put(srcMac, b, 6);
    w16(b, ETHERTYPE_ARP, 12);
    w32(b, 0x00010800, 14);
    w32(b, 0x06040001, 18);
    put(srcMac, b, 22);
    put(senderIp, b, 28);
    b.fill(0, 32, 38);
    put(targetIp, b, 38);
    b.fill(0, 42, 60);
    this.capLen = 60;
    this.ipBytes = 0;
    return 60;
  }

  private link(p: PacketSpec, ethertype: number): number {
    const b = this.out;
    const o = this.base;
    switch (p.linkType) {
      case LINKTYPE.ETHERNET: {
        put(p.dstMac, b, o);
        put(p.srcMac, b, o + 6);
        let off = o + 12;
        if (p.vlan) {
          if (p.vlanOuter) {
            w16(b, 0x88a8, off);
            w16(b, p.vlanOuter & 0xfff, off + 2);
            off += 4;
          }
          w16(b, 0x8100, off);
          w16(b, p.vlan & 0xfff, off + 2);
          off += 4;
        }
        w16(b, ethertype, off);
        return off + 2;
      }
      case LINKTYPE.LINUX_SLL:
        w16(b, p.outgoing ? 4 : 0, o);
        w16(b, 1, o + 2); // ARPHRD_ETHER
        w16(b, 6, o + 4);
        put(p.srcMac, b, o + 6);
        w16(b, 0, o + 12);
        w16(b, ethertype, o + 14);
        return o + 16;
      case LINKTYPE.LINUX_SLL2:
        w16(b, ethertype, o);
        w16(b, 0, o + 2);
        w32(b, 2, o + 4); // interface index
        w16(b, 1, o + 8);
        b[o + 10] = p.outgoing ? 4 : 0;
        b[o + 11] = 6;
        put(p.srcMac, b, o + 12);
        w16(b, 0, o + 18);
        return o + 20;
      case LINKTYPE.RAW:
        return o;
      case LINKTYPE.NULL:
        // BSD loopback: the address family in the capturing host's byte order (little-endian here);
        // AF_INET6 is 24, 28 or 30 depending on the BSD: use 30 (macOS), the decoder accepts all.
        b.writeUInt32LE(ethertype === ETHERTYPE_IPV6 ? 30 : 2, o);
        return o + 4;
      default:
        throw new Error(`FrameBuilder: unsupported link type ${p.linkType}`);
    }
  }

  private transport(p: PacketSpec, off: number, l4Total: number): void {
    const b = this.out;
    if (p.proto === Proto.TCP) {
      w16(b, p.srcPort, off);
      w16(b, p.dstPort, off + 2);
      w32(b, p.seq >>> 0, off + 4);
      w32(b, p.tcpFlags & TcpFlag.ACK ? p.ack >>> 0 : 0, off + 8);
      b[off + 12] = (p.mss ? 6 : 5) << 4;
      b[off + 13] = p.tcpFlags;
      w16(b, p.window, off + 14);
      w32(b, 0, off + 16);
      if (p.mss) w32(b, 0x02040000 | p.mss, off + 20);
    } else if (p.proto === Proto.UDP) {
      w16(b, p.srcPort, off);
      w16(b, p.dstPort, off + 2);
      w16(b, l4Total, off + 4);
      w16(b, 0, off + 6);
    } else {
      b[off] = p.icmpType;
      b[off + 1] = p.icmpCode;
      w16(b, 0, off + 2);
      w16(b, p.icmpId, off + 4);
      w16(b, p.icmpSeq, off + 6);
    }
  }

  /** Transport checksum over pseudo header + header + payload (zeros contribute nothing). */
  private checksum(p: PacketSpec, l4Start: number, l4Total: number): void {
    const b = this.out;
    let acc = 0;
    if (p.proto !== Proto.ICMP) {
      // Pseudo header (ICMPv4 has none).
      const n = p.ipVersion === 4 ? 4 : 16;
      acc = sum16(p.src, 0, n, acc);
      acc = sum16(p.dst, 0, n, acc);
      acc += p.proto + l4Total;
    }
    const hdr = p.proto === Proto.TCP ? (p.mss ? 24 : 20) : 8;
    acc = sum16(b, l4Start, l4Start + hdr, acc);
    if (p.payload) acc = sum16(p.payload, 0, Math.min(p.payload.length, p.payloadLen), acc);
    let c = ~fold(acc) & 0xffff;
    if (p.proto === Proto.UDP && c === 0) c = 0xffff;
    const at = p.proto === Proto.TCP ? 16 : p.proto === Proto.UDP ? 6 : 2;
    w16(b, c, l4Start + at);
  }
}
