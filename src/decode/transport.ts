import type { PacketInfo } from './packet.js';

/** Protocols whose flows are told apart by ports (or, for ICMP echo, by the identifier). */
export function hasPorts(proto: number): boolean {
  return proto === 6 || proto === 17 || proto === 1 || proto === 58 || proto === 132 || proto === 136 || proto === 33;
}

/**
 * Fills ports / TCP flags / ICMP type from the transport header at p, within the captured bytes
 * [p, end). A header cut by the snaplen still yields whatever it holds: the packet counts either way,
 * with ports 0 when not even they were captured (the flow's bytes matter more than its port).
 */
export function decodeTransport(buf: Buffer, p: number, end: number, proto: number, info: PacketInfo): void {
  const avail = end - p;
  switch (proto) {
    case 6: // TCP
      if (avail >= 4) {
        info.srcPort = (buf[p] << 8) | buf[p + 1];
        info.dstPort = (buf[p + 2] << 8) | buf[p + 3];
        if (avail >= 14) {
          info.tcpFlags = buf[p + 13];
          const dataOff = (buf[p + 12] >> 4) << 2;
          if (dataOff >= 20 && dataOff < avail) {
            info.payloadStart = p + dataOff;
            info.payloadEnd = end;
          }
        }
      }
      return;
    case 17: // UDP
    case 136: // UDP-Lite
      if (avail >= 4) {
        info.srcPort = (buf[p] << 8) | buf[p + 1];
        info.dstPort = (buf[p + 2] << 8) | buf[p + 3];
        if (avail > 8) {
          info.payloadStart = p + 8;
          info.payloadEnd = end;
        }
      }
      return;
    case 132: // SCTP
    case 33: // DCCP
      if (avail >= 4) {
        info.srcPort = (buf[p] << 8) | buf[p + 1];
        info.dstPort = (buf[p + 2] << 8) | buf[p + 3];
      }
      return;
    case 1: // ICMP
      if (avail >= 2) {
        const type = buf[p];
        info.icmpType = type;
        info.icmpCode = buf[p + 1];
        // Echo request/reply: the identifier tells ping sessions apart, like a port.
        if ((type === 8 || type === 0) && avail >= 6) info.srcPort = info.dstPort = (buf[p + 4] << 8) | buf[p + 5];
      }
      return;
    case 58: // ICMPv6
      if (avail >= 2) {
        const type = buf[p];
        info.icmpType = type;
        info.icmpCode = buf[p + 1];
        if ((type === 128 || type === 129) && avail >= 6) info.srcPort = info.dstPort = (buf[p + 4] << 8) | buf[p + 5];
      }
      return;
    default:
      // GRE, IP-in-IP, ESP, ...: port-less. Tunnels are not unwrapped: the outer flow crossed the wire.
      return;
  }
}
