/**
 * What the one packet decoder hands to the flow table. A single instance is reused for every packet
 * (no per-packet allocation): the decoder overwrites every field it is responsible for.
 *
 * Addresses are held as four 32-bit words in network order. IPv4 uses the IPv4-mapped IPv6 form
 * ::ffff:a.b.c.d (words [0, 0, 0xffff, v4]) so that one key layout serves both families. The words
 * are signed (Int32Array): V8 keeps int32 values unboxed on the hot path, where uint32 values above
 * 2^31 would become heap numbers. Read a word as unsigned with `w >>> 0`.
 */
export class PacketInfo {
  /** Capture time, epoch milliseconds (integer). Set by the source, not the decoder. */
  tsMs = 0;
  /** 4 or 6 once decoded. */
  ipVersion = 0;
  readonly src = new Int32Array(4);
  readonly dst = new Int32Array(4);
  /** IP protocol number of the transport (after IPv6 extension headers). */
  proto = 0;
  /** Transport ports; 0 where the protocol has none. For ICMP/ICMPv6 echo, both are the identifier. */
  srcPort = 0;
  dstPort = 0;
  /** IP-layer octets from the IP header's length fields (IPv4 total length, IPv6 40 + payload length). */
  ipBytes = 0;
  /** TCP flags byte (FIN 0x01, SYN 0x02, RST 0x04, PSH 0x08, ACK 0x10, URG 0x20, ECE 0x40, CWR 0x80). */
  tcpFlags = 0;
  /** ICMP/ICMPv6 type and code; -1 when not ICMP. */
  icmpType = -1;
  icmpCode = -1;
  /** VLAN id of the innermost 802.1Q tag, 0 when untagged. */
  vlan = 0;
  /** True for a non-first IP fragment whose ports were taken from the first fragment (or left 0). */
  laterFragment = false;
  /**
   * Later fragments that arrived before their first fragment are held by the decoder (bounded) and
   * credited to the flow when the first fragment comes: this packet then carries their IP bytes and
   * count here, in addition to its own ipBytes. 0 otherwise.
   */
  heldBytes = 0;
  heldPackets = 0;
  /**
   * Captured transport payload (after the TCP/UDP header) is buf[payloadStart, payloadEnd) of the
   * buffer handed to decode(); empty (payloadEnd <= payloadStart) when there is none or it was not
   * captured. For the name peeks (DNS, TLS SNI, HTTP Host) and for export datagrams carried in captures.
   */
  payloadStart = 0;
  payloadEnd = 0;
}

/** Decode results: 0 = decoded; anything else = skipped, with this reason. */
export const Decoded = 0;
export const SkipReason = {
  TRUNCATED: 1, // captured bytes end inside a header we need
  NOT_IP: 2, // ARP, STP, LLDP, ... (no IP layer)
  UNSUPPORTED_LINKTYPE: 3,
  BAD_IP_HEADER: 4, // version/IHL/length fields inconsistent
  FRAGMENT_UNMATCHED: 5, // later fragment whose first never came (counted only when dropped)
  UNSUPPORTED_ENCAP: 6, // a link-layer encapsulation we recognise but do not open
  FRAGMENT_HELD: 7, // later fragment held until its first fragment comes (credited then, or drained)
} as const;
export type SkipReasonCode = (typeof SkipReason)[keyof typeof SkipReason];

/** Human names for skip reasons, indexed by code (0 unused). */
export const SKIP_REASON_NAMES: readonly string[] = [
  'decoded',
  'truncated',
  'not IP',
  'unsupported link type',
  'bad IP header',
  'unmatched fragment',
  'unsupported encapsulation',
  'held fragment',
];

/** Per-reason counters kept by a source. Index = reason code. */
export function newSkipCounters(): number[] {
  return new Array<number>(SKIP_REASON_NAMES.length).fill(0);
}

/** `{ "not IP": 3, truncated: 1 }`, only non-zero reasons. */
export function skipSummary(counters: readonly number[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (let i = 1; i < counters.length; i++) if (counters[i] > 0) out[SKIP_REASON_NAMES[i]] = counters[i];
  return out;
}
