import { Decoded, SkipReason, type PacketInfo } from './packet.js';
import { EtherType, LinkType } from './linktypes.js';
import { decodeIPv4, decodeIPv6 } from './ip.js';
import { FragmentTable } from './fragments.js';

/** Link layers nest (PPI, PKTAP wrap another DLT); one level is all real captures use. */
const MAX_NESTING = 2;

/**
 * The one packet decoder: link type → VLAN → IP → transport. Fills a reused PacketInfo and
 * allocates nothing per packet (IP fragments aside, which keep a small bounded table).
 *
 * Fragments: a first fragment is decoded normally and its ports remembered; later fragments take
 * them. A later fragment seen before its first is held (FRAGMENT_HELD) and credited through
 * info.heldBytes/heldPackets of the first fragment when it comes; those never matched are released
 * after FRAG_TIMEOUT_MS of packet time (or when the table is full) and must be collected with
 * drainHeld() — poll `hasReleasedFragments` after decode(), and drain everything at end of input.
 */
export class PacketDecoder {
  private readonly frags = new FragmentTable();

  /**
   * Decode one frame at buf[off, off + capLen). info.tsMs must already hold the frame's time.
   * Returns Decoded (0) or a SkipReason code.
   */
  decode(linkType: number, buf: Buffer, off: number, capLen: number, origLen: number, info: PacketInfo): number {
    info.ipVersion = 0;
    info.proto = 0;
    info.srcPort = 0;
    info.dstPort = 0;
    info.ipBytes = 0;
    info.tcpFlags = 0;
    info.icmpType = -1;
    info.icmpCode = -1;
    info.vlan = 0;
    info.laterFragment = false;
    info.heldBytes = 0;
    info.heldPackets = 0;
    info.payloadStart = 0;
    info.payloadEnd = 0;
    if (info.tsMs >= this.frags.nextSweepMs) this.frags.sweep(info.tsMs);
    let end = off + capLen;
    if (end > buf.length) end = buf.length;
    const r = this.link(linkType, buf, off, end, origLen < capLen ? capLen : origLen, info, 0);
    if (r !== Decoded) {
      info.src.fill(0);
      info.dst.fill(0);
    }
    return r;
  }

  /** True when held fragments were given up on and wait for drainHeld(info, cb, true). */
  get hasReleasedFragments(): boolean {
    return this.frags.hasReleased;
  }

  /** Held fragments lost because they were released and not drained before more were released. */
  get droppedFragments(): number {
    return this.frags.dropped;
  }

  /**
   * Calls cb once per unmatched held fragment, with info filled (ports 0, laterFragment true, tsMs
   * of the fragment) so the flow table still counts its bytes. onlyReleased = true takes only those
   * already given up on (timeout / table full); false (end of input) takes every held fragment.
   * Returns the number of fragments handed over.
   */
  drainHeld(info: PacketInfo, cb: () => void, onlyReleased = false): number {
    return this.frags.drain(info, cb, !onlyReleased);
  }

  /** `wire` is the frame's length on the wire from `off` on; it follows every header we strip. */
  private link(lt: number, buf: Buffer, off: number, end: number, wire: number, info: PacketInfo, depth: number): number {
    const avail = end - off;
    switch (lt) {
      case LinkType.ETHERNET:
        if (avail < 14) return SkipReason.TRUNCATED;
        return this.etherType(buf, off + 14, end, (buf[off + 12] << 8) | buf[off + 13], wire - 14, info);
      case LinkType.LINUX_SLL:
        if (avail < 16) return SkipReason.TRUNCATED;
        return this.etherType(buf, off + 16, end, (buf[off + 14] << 8) | buf[off + 15], wire - 16, info);
      case LinkType.LINUX_SLL2:
        if (avail < 20) return SkipReason.TRUNCATED;
        return this.etherType(buf, off + 20, end, (buf[off] << 8) | buf[off + 1], wire - 20, info);
      case LinkType.RAW:
      case LinkType.RAW_DLT:
      case LinkType.RAW_OPENBSD:
        return this.rawIp(buf, off, end, wire, info);
      case LinkType.IPV4:
        return decodeIPv4(buf, off, end, wire, info, this.frags);
      case LinkType.IPV6:
        return decodeIPv6(buf, off, end, wire, info, this.frags);
      case LinkType.NULL:
      case LinkType.LOOP:
        return this.loopback(buf, off, end, wire, info);
      case LinkType.PPP:
        return this.ppp(buf, off, end, wire, info);
      case LinkType.PPP_HDLC:
        if (avail >= 2 && (buf[off] === 0x0f || buf[off] === 0x8f)) return this.ciscoHdlc(buf, off, end, wire, info);
        return this.ppp(buf, off, end, wire, info);
      case LinkType.C_HDLC:
        return this.ciscoHdlc(buf, off, end, wire, info);
      case LinkType.PPP_ETHER:
        if (avail < 6) return SkipReason.TRUNCATED;
        return this.ppp(buf, off + 6, end, wire - 6, info);
      case LinkType.IEEE802_11:
        return this.wlan(buf, off, end, wire, info);
      case LinkType.IEEE802_11_RADIOTAP: {
        if (avail < 4) return SkipReason.TRUNCATED;
        const hlen = buf[off + 2] | (buf[off + 3] << 8);
        return this.wlan(buf, off + hlen, end, wire - hlen, info);
      }
      case LinkType.ATM_RFC1483:
      case LinkType.ATM_RFC1483_DLT:
        return this.llc(buf, off, end, wire, info);
      case LinkType.FRELAY:
        return this.frameRelay(buf, off, end, wire, info);
      case LinkType.SLIP:
        // 16-byte BSD/OS pseudo-header; compressed TCP/IP (no version-4 nibble) is not opened.
        if (avail < 17) return SkipReason.TRUNCATED;
        if (buf[off + 16] >> 4 !== 4) return SkipReason.UNSUPPORTED_ENCAP;
        return decodeIPv4(buf, off + 16, end, wire - 16, info, this.frags);
      case LinkType.IPNET: {
        if (avail < 24) return SkipReason.TRUNCATED;
        const family = buf[off + 1];
        if (family === 2) return decodeIPv4(buf, off + 24, end, wire - 24, info, this.frags);
        if (family === 26) return decodeIPv6(buf, off + 24, end, wire - 24, info, this.frags);
        return SkipReason.NOT_IP;
      }
      case LinkType.NFLOG:
        return this.nflog(buf, off, end, wire, info);
      case LinkType.PPI: {
        if (avail < 8) return SkipReason.TRUNCATED;
        if (depth >= MAX_NESTING) return SkipReason.UNSUPPORTED_ENCAP;
        const hlen = buf[off + 2] | (buf[off + 3] << 8);
        const inner = buf.readUInt32LE(off + 4);
        return this.link(inner, buf, off + hlen, end, wire - hlen, info, depth + 1);
      }
      case LinkType.IPOIB:
        // 44-byte pseudo-header: two 20-byte hardware addresses, EtherType, 2 reserved bytes.
        if (avail < 44) return SkipReason.TRUNCATED;
        return this.etherType(buf, off + 44, end, (buf[off + 40] << 8) | buf[off + 41], wire - 44, info);
      case LinkType.PKTAP_DARWIN:
        // DLT_USER2 is only PKTAP when the header looks like one.
        if (avail < 12 || buf.readUInt32LE(off) < 108) return SkipReason.UNSUPPORTED_LINKTYPE;
        return this.pktap(buf, off, end, wire, info, depth);
      case LinkType.PKTAP:
        return this.pktap(buf, off, end, wire, info, depth);
      default:
        return SkipReason.UNSUPPORTED_LINKTYPE;
    }
  }

  /** Apple's PKTAP header (host byte order, little-endian in practice): length, type, inner DLT. */
  private pktap(buf: Buffer, off: number, end: number, wire: number, info: PacketInfo, depth: number): number {
    if (end - off < 12) return SkipReason.TRUNCATED;
    if (depth >= MAX_NESTING) return SkipReason.UNSUPPORTED_ENCAP;
    const hlen = buf.readUInt32LE(off);
    if (hlen < 12 || hlen > end - off) return SkipReason.TRUNCATED;
    return this.link(buf.readUInt32LE(off + 8), buf, off + hlen, end, wire - hlen, info, depth + 1);
  }

  /** Dispatch on an EtherType at p: VLAN tags, MPLS, PPPoE and 802.3 LLC/SNAP are opened here. */
  private etherType(buf: Buffer, p: number, end: number, type: number, wire: number, info: PacketInfo): number {
    for (;;) {
      if (type === EtherType.IPV4) return decodeIPv4(buf, p, end, wire, info, this.frags);
      if (type === EtherType.IPV6) return decodeIPv6(buf, p, end, wire, info, this.frags);
      if (type === EtherType.VLAN || type === EtherType.QINQ || type === EtherType.QINQ_OLD || type === EtherType.QINQ_OLD2) {
        if (end - p < 4) return SkipReason.TRUNCATED;
        info.vlan = ((buf[p] << 8) | buf[p + 1]) & 0x0fff; // the last (innermost) tag wins
        type = (buf[p + 2] << 8) | buf[p + 3];
        p += 4;
        wire -= 4;
        continue;
      }
      if (type < 0x0600) {
        // 802.3 length field: only LLC/SNAP can carry IP.
        return this.llc(buf, p, end, wire, info);
      }
      if (type === EtherType.MPLS || type === EtherType.MPLS_MCAST) return this.mpls(buf, p, end, wire, info);
      if (type === EtherType.PPPOE_SESSION) {
        if (end - p < 6) return SkipReason.TRUNCATED;
        return this.ppp(buf, p + 6, end, wire - 6, info);
      }
      // Encapsulations that may well carry IP, but that we do not open (rather than "not IP").
      if (type === EtherType.MACSEC || type === EtherType.PBB || type === EtherType.NSH || type === EtherType.ARISTA)
        return SkipReason.UNSUPPORTED_ENCAP;
      return SkipReason.NOT_IP;
    }
  }

  /** LLC: SNAP (AA AA 03, OUI, EtherType) is the only form that carries IP. */
  private llc(buf: Buffer, p: number, end: number, wire: number, info: PacketInfo): number {
    if (end - p < 3) return SkipReason.TRUNCATED;
    if (buf[p] !== 0xaa || buf[p + 1] !== 0xaa || buf[p + 2] !== 0x03) return SkipReason.NOT_IP;
    if (end - p < 8) return SkipReason.TRUNCATED;
    const type = (buf[p + 6] << 8) | buf[p + 7];
    if (type < 0x0600) return SkipReason.NOT_IP;
    return this.etherType(buf, p + 8, end, type, wire - 8, info);
  }

  /** MPLS: pop labels to the bottom of the stack, then guess IPv4/IPv6 from the version nibble. */
  private mpls(buf: Buffer, p: number, end: number, wire: number, info: PacketInfo): number {
    for (;;) {
      if (end - p < 4) return SkipReason.TRUNCATED;
      const bottom = buf[p + 2] & 1;
      p += 4;
      wire -= 4;
      if (bottom) break;
    }
    return this.rawIp(buf, p, end, wire, info, SkipReason.UNSUPPORTED_ENCAP);
  }

  /** Raw IP: the version nibble says which. */
  private rawIp(buf: Buffer, p: number, end: number, wire: number, info: PacketInfo, other: number = SkipReason.BAD_IP_HEADER): number {
    if (end - p < 1) return SkipReason.TRUNCATED;
    const v = buf[p] >> 4;
    if (v === 4) return decodeIPv4(buf, p, end, wire, info, this.frags);
    if (v === 6) return decodeIPv6(buf, p, end, wire, info, this.frags);
    return other;
  }

  /** BSD loopback: a 4-byte address family, in whichever byte order the capturing host used. */
  private loopback(buf: Buffer, off: number, end: number, wire: number, info: PacketInfo): number {
    if (end - off < 4) return SkipReason.TRUNCATED;
    const family = (buf[off + 2] | buf[off + 3]) === 0 ? buf[off] | (buf[off + 1] << 8) : (buf[off + 2] << 8) | buf[off + 3];
    if (family === 2) return decodeIPv4(buf, off + 4, end, wire - 4, info, this.frags);
    // AF_INET6 is 24 (NetBSD/OpenBSD), 28 (FreeBSD), 30 (macOS), 10 (Linux).
    if (family === 24 || family === 28 || family === 30 || family === 10) return decodeIPv6(buf, off + 4, end, wire - 4, info, this.frags);
    return SkipReason.NOT_IP;
  }

  /** PPP, with or without the HDLC address/control bytes and with 1- or 2-byte protocol field. */
  private ppp(buf: Buffer, p: number, end: number, wire: number, info: PacketInfo): number {
    if (end - p < 2) return SkipReason.TRUNCATED;
    if (buf[p] === 0xff && buf[p + 1] === 0x03) {
      p += 2;
      wire -= 2;
      if (end - p < 1) return SkipReason.TRUNCATED;
    }
    let proto: number;
    if (buf[p] & 1) {
      proto = buf[p]; // protocol-field compression
      p += 1;
      wire -= 1;
    } else {
      if (end - p < 2) return SkipReason.TRUNCATED;
      proto = (buf[p] << 8) | buf[p + 1];
      p += 2;
      wire -= 2;
    }
    if (proto === 0x21) return decodeIPv4(buf, p, end, wire, info, this.frags);
    if (proto === 0x57) return decodeIPv6(buf, p, end, wire, info, this.frags);
    if (proto === 0x281 || proto === 0x283) return this.mpls(buf, p, end, wire, info);
    if (proto === 0x2d || proto === 0x2f) return SkipReason.UNSUPPORTED_ENCAP; // Van Jacobson compressed TCP
    return SkipReason.NOT_IP;
  }

  /** Cisco HDLC: address, control, then an EtherType. */
  private ciscoHdlc(buf: Buffer, off: number, end: number, wire: number, info: PacketInfo): number {
    if (end - off < 4) return SkipReason.TRUNCATED;
    return this.etherType(buf, off + 4, end, (buf[off + 2] << 8) | buf[off + 3], wire - 4, info);
  }

  /** 802.11 data frames (unprotected) with LLC/SNAP; management, control and null frames are not IP. */
  private wlan(buf: Buffer, p: number, end: number, wire: number, info: PacketInfo): number {
    if (end - p < 24) return SkipReason.TRUNCATED;
    const fc0 = buf[p];
    const fc1 = buf[p + 1];
    if (((fc0 >> 2) & 3) !== 2) return SkipReason.NOT_IP;
    const subtype = fc0 >> 4;
    if (subtype & 4) return SkipReason.NOT_IP; // null / CF-only: no payload
    if (fc1 & 0x40) return SkipReason.UNSUPPORTED_ENCAP; // protected: encrypted payload
    let h = (fc1 & 3) === 3 ? 30 : 24; // four-address (WDS) frames
    if (subtype & 8) {
      if (end - p < h + 2) return SkipReason.TRUNCATED;
      if (buf[p + h] & 0x80) return SkipReason.UNSUPPORTED_ENCAP; // A-MSDU aggregate
      h += fc1 & 0x80 ? 6 : 2; // QoS control, plus HT control when the order bit is set
    }
    return this.llc(buf, p + h, end, wire - h, info);
  }

  /**
   * Frame Relay: a Q.922 address (2-4 bytes, the EA bit ends it), then either RFC 2427 (UI control
   * 0x03, optional pad, NLPID) or Cisco's encapsulation (an EtherType right after the address).
   */
  private frameRelay(buf: Buffer, off: number, end: number, wire: number, info: PacketInfo): number {
    let q = off;
    while (q < end && q - off < 4 && (buf[q] & 1) === 0) q++;
    q++;
    if (end - q < 2) return SkipReason.TRUNCATED;
    if (buf[q] !== 0x03) return this.etherType(buf, q + 2, end, (buf[q] << 8) | buf[q + 1], wire - (q + 2 - off), info);
    q++;
    if (buf[q] === 0) q++; // padding
    if (end - q < 1) return SkipReason.TRUNCATED;
    const nlpid = buf[q++];
    if (nlpid === 0xcc) return decodeIPv4(buf, q, end, wire - (q - off), info, this.frags);
    if (nlpid === 0x8e) return decodeIPv6(buf, q, end, wire - (q - off), info, this.frags);
    if (nlpid === 0x80) {
      if (end - q < 5) return SkipReason.TRUNCATED;
      const type = (buf[q + 3] << 8) | buf[q + 4];
      return this.etherType(buf, q + 5, end, type, wire - (q + 5 - off), info);
    }
    return SkipReason.NOT_IP;
  }

  /** Linux NFLOG: 4-byte header (family first), then TLVs; the payload TLV (type 9) is the IP packet. */
  private nflog(buf: Buffer, off: number, end: number, wire: number, info: PacketInfo): number {
    if (end - off < 4) return SkipReason.TRUNCATED;
    const family = buf[off];
    let q = off + 4;
    while (q + 4 <= end) {
      const tlen = buf[q] | (buf[q + 1] << 8);
      const ttype = buf[q + 2] | (buf[q + 3] << 8);
      if (tlen < 4) return SkipReason.NOT_IP;
      if (ttype === 9) {
        const p = q + 4;
        const tlvEnd = q + tlen < end ? q + tlen : end;
        const payloadWire = tlen - 4;
        if (family === 2) return decodeIPv4(buf, p, tlvEnd, payloadWire, info, this.frags);
        if (family === 10) return decodeIPv6(buf, p, tlvEnd, payloadWire, info, this.frags);
        return SkipReason.NOT_IP;
      }
      q += (tlen + 3) & ~3;
    }
    return SkipReason.NOT_IP;
  }
}
