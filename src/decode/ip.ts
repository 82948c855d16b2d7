import { Decoded, SkipReason, type PacketInfo } from './packet.js';
import { decodeTransport, hasPorts } from './transport.js';
import { fragmentKey, type FragmentTable } from './fragments.js';

/**
 * IPv4 at p; `end` is the end of the captured bytes, `wireLen` how many bytes the frame had on the
 * wire from p on (used only when the total-length field is 0, as in TSO send-side captures).
 * Only a cut IP header is TRUNCATED: with addresses known the packet is always counted.
 */
export function decodeIPv4(buf: Buffer, p: number, end: number, wireLen: number, info: PacketInfo, frags: FragmentTable): number {
  if (end - p < 20) return SkipReason.TRUNCATED;
  const vihl = buf[p];
  if (vihl >> 4 !== 4) return SkipReason.BAD_IP_HEADER;
  const ihl = (vihl & 15) << 2;
  if (ihl < 20) return SkipReason.BAD_IP_HEADER;
  let total = (buf[p + 2] << 8) | buf[p + 3];
  if (total === 0) total = wireLen > ihl ? wireLen : ihl;
  else if (total < ihl) return SkipReason.BAD_IP_HEADER;
  else if (total > wireLen && wireLen >= ihl) total = wireLen; // a length beyond the frame is bogus: count what the wire carried
  const proto = buf[p + 9];
  info.ipVersion = 4;
  info.proto = proto;
  info.ipBytes = total;
  const src = info.src;
  const dst = info.dst;
  src[0] = 0;
  src[1] = 0;
  src[2] = 0xffff;
  src[3] = (buf[p + 12] << 24) | (buf[p + 13] << 16) | (buf[p + 14] << 8) | buf[p + 15];
  dst[0] = 0;
  dst[1] = 0;
  dst[2] = 0xffff;
  dst[3] = (buf[p + 16] << 24) | (buf[p + 17] << 16) | (buf[p + 18] << 8) | buf[p + 19];
  const frag = (buf[p + 6] << 8) | buf[p + 7];
  if ((frag & 0x3fff) === 0) {
    // Not a fragment (the common case). Transport bytes end at the IP length: never read link padding.
    const tEnd = p + total < end ? p + total : end;
    decodeTransport(buf, p + ihl, tEnd, proto, info);
    return Decoded;
  }
  const id = (buf[p + 4] << 8) | buf[p + 5];
  if ((frag & 0x1fff) !== 0) return laterFragment(info, proto, id, hasPorts(proto), frags);
  const tEnd = p + total < end ? p + total : end;
  decodeTransport(buf, p + ihl, tEnd, proto, info);
  if (hasPorts(proto)) firstFragment(info, fragmentKey(info, proto, id), frags);
  return Decoded;
}

function firstFragment(info: PacketInfo, key: string, frags: FragmentTable): void {
  const held = frags.first(key, info);
  if (held === undefined) return;
  let bytes = 0;
  for (let i = 0; i < held.bytes.length; i++) bytes += held.bytes[i];
  info.heldBytes = bytes;
  info.heldPackets = held.bytes.length;
}

/** A non-first fragment: ports from its first fragment, or held until that comes. */
function laterFragment(info: PacketInfo, keyProto: number, id: number, holdable: boolean, frags: FragmentTable): number {
  info.laterFragment = true;
  if (!holdable) return Decoded; // port-less protocol: nothing to wait for
  const key = fragmentKey(info, keyProto, id);
  const first = frags.lookup(key);
  if (first !== undefined) {
    info.srcPort = first.srcPort;
    info.dstPort = first.dstPort;
    info.proto = first.proto;
    return Decoded;
  }
  frags.hold(key, info);
  return SkipReason.FRAGMENT_HELD;
}

/** IPv6 extension headers we walk through (ESP is not one: what follows it is encrypted). */
function isExtensionHeader(nh: number): boolean {
  return nh === 0 || nh === 43 || nh === 60 || nh === 51 || nh === 135 || nh === 139 || nh === 140 || nh === 44;
}

/** IPv6 later fragments are held when ports may follow: a port protocol or more extension headers. */
function holdable6(fragNh: number): boolean {
  return hasPorts(fragNh) || isExtensionHeader(fragNh);
}

const JUMBO_OPTION = 0xc2;

/** IPv6 at p, walking extension headers to the transport. */
export function decodeIPv6(buf: Buffer, p: number, end: number, wireLen: number, info: PacketInfo, frags: FragmentTable): number {
  if (end - p < 40) return SkipReason.TRUNCATED;
  if (buf[p] >> 4 !== 6) return SkipReason.BAD_IP_HEADER;
  const plen = (buf[p + 4] << 8) | buf[p + 5];
  let nh = buf[p + 6];
  const src = info.src;
  const dst = info.dst;
  for (let i = 0; i < 4; i++) {
    const a = p + 8 + 4 * i;
    src[i] = (buf[a] << 24) | (buf[a + 1] << 16) | (buf[a + 2] << 8) | buf[a + 3];
    const b = a + 16;
    dst[i] = (buf[b] << 24) | (buf[b + 1] << 16) | (buf[b + 2] << 8) | buf[b + 3];
  }
  info.ipVersion = 6;
  let ipBytes = 40 + plen;
  if (ipBytes > wireLen && wireLen >= 40) ipBytes = wireLen; // a length beyond the frame is bogus
  let q = p + 40;
  // Payload length 0 (jumbogram or TSO): the length is not known yet, so walk the captured bytes.
  let tEnd = plen === 0 || p + ipBytes > end ? end : p + ipBytes;
  let fragId = -1;
  let fragNh = 0;
  // Walk the chain. If it is cut by the snaplen we stop there: the packet is still counted, with the
  // last next-header value we could read as its protocol and no ports.
  for (;;) {
    if (!isExtensionHeader(nh) || q + 2 > tEnd) break;
    let hlen: number;
    if (nh === 44) {
      if (q + 8 > tEnd) break;
      fragNh = buf[q];
      const offFlags = (buf[q + 2] << 8) | buf[q + 3];
      const id = ((buf[q + 4] << 24) | (buf[q + 5] << 16) | (buf[q + 6] << 8) | buf[q + 7]) >>> 0;
      if (offFlags >> 3 !== 0) {
        info.proto = fragNh;
        info.ipBytes = ipBytes;
        return laterFragment(info, fragNh, id, holdable6(fragNh), frags);
      }
      if ((offFlags & 1) !== 0) fragId = id; // first fragment; an atomic fragment (M=0) is just a packet
      nh = fragNh;
      q += 8;
      continue;
    }
    if (nh === 51) hlen = (buf[q + 1] + 2) << 2;
    else hlen = (buf[q + 1] + 1) << 3;
    if (nh === 0 && plen === 0) {
      const jumbo = jumboLength(buf, q + 2, q + hlen < end ? q + hlen : end);
      if (jumbo > 0) {
        ipBytes = 40 + jumbo;
        if (ipBytes > wireLen && wireLen >= 40) ipBytes = wireLen; // hostile or cut jumbo length
        tEnd = p + ipBytes < end ? p + ipBytes : end;
      }
    }
    nh = buf[q];
    q += hlen;
  }
  if (plen === 0 && ipBytes === 40 && nh !== 59 && wireLen > 40) ipBytes = wireLen; // TSO: length unknown
  info.proto = nh;
  info.ipBytes = ipBytes;
  if (q <= tEnd) decodeTransport(buf, q, tEnd, nh, info);
  if (fragId >= 0 && holdable6(fragNh)) firstFragment(info, fragmentKey(info, fragNh, fragId), frags);
  return Decoded;
}

/** The jumbo payload option's value in a hop-by-hop header's options [o, end), or 0. */
function jumboLength(buf: Buffer, o: number, end: number): number {
  while (o < end) {
    const type = buf[o];
    if (type === 0) {
      o++;
      continue;
    }
    if (o + 2 > end) return 0;
    const len = buf[o + 1];
    if (type === JUMBO_OPTION && len === 4 && o + 6 <= end)
      return ((buf[o + 2] << 24) | (buf[o + 3] << 16) | (buf[o + 4] << 8) | buf[o + 5]) >>> 0;
    o += 2 + len;
  }
  return 0;
}
