/**
 * IP protocol numbers (IANA) and TCP flag bits: the one definition that the packet decoder, the flow
 * model, the flow-export pairing and the lab generator share, with the names output uses.
 */

/** IP protocol numbers flowmap reads or names. */
export const Proto = {
  ICMP: 1,
  IGMP: 2,
  IPIP: 4,
  TCP: 6,
  UDP: 17,
  DCCP: 33,
  IPV6: 41,
  GRE: 47,
  ESP: 50,
  AH: 51,
  ICMPV6: 58,
  OSPF: 89,
  PIM: 103,
  VRRP: 112,
  SCTP: 132,
  UDPLITE: 136,
} as const;

/** TCP header flag bits, as NetFlow/IPFIX and sFlow report them too. */
export const TcpFlag = {
  FIN: 0x01,
  SYN: 0x02,
  RST: 0x04,
  PSH: 0x08,
  ACK: 0x10,
} as const;

const PROTO_NAMES: Record<number, string> = {
  [Proto.ICMP]: 'icmp',
  [Proto.IGMP]: 'igmp',
  [Proto.IPIP]: 'ipip',
  [Proto.TCP]: 'tcp',
  [Proto.UDP]: 'udp',
  [Proto.IPV6]: 'ipv6',
  [Proto.GRE]: 'gre',
  [Proto.ESP]: 'esp',
  [Proto.AH]: 'ah',
  [Proto.ICMPV6]: 'icmpv6',
  [Proto.OSPF]: 'ospf',
  [Proto.PIM]: 'pim',
  [Proto.VRRP]: 'vrrp',
  [Proto.SCTP]: 'sctp',
};

/** Protocol name for output: `tcp`, `udp`, `icmp`, `icmpv6`, ... or the number as text. */
export function protoName(proto: number): string {
  return PROTO_NAMES[proto] ?? String(proto);
}

/** Parse `tcp`, `udp`, `icmp`, ... or a number 0-255; undefined when unknown. */
export function parseProto(text: string): number | undefined {
  const t = text.trim().toLowerCase();
  if (/^\d{1,3}$/.test(t)) {
    const n = Number(t);
    return n <= 255 ? n : undefined;
  }
  for (const [num, name] of Object.entries(PROTO_NAMES)) if (name === t) return Number(num);
  return undefined;
}
