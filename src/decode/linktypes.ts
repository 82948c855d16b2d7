/** pcap LINKTYPE_* values the decoder opens (see https://www.tcpdump.org/linktypes.html). */
export const LinkType = {
  NULL: 0, // BSD loopback, address family in the capturing host's byte order
  ETHERNET: 1,
  SLIP: 8, // BSD/OS SLIP: 16-byte pseudo-header
  PPP: 9,
  ATM_RFC1483_DLT: 11, // the DLT value some writers put in files instead of 100
  RAW_DLT: 12, // DLT_RAW on most platforms
  RAW_OPENBSD: 14,
  PPP_HDLC: 50, // PPP in HDLC-like framing (also used for Cisco HDLC frames)
  PPP_ETHER: 51, // PPPoE session header, then PPP
  ATM_RFC1483: 100,
  RAW: 101,
  C_HDLC: 104,
  IEEE802_11: 105,
  FRELAY: 107,
  LOOP: 108, // OpenBSD loopback, address family in network byte order
  LINUX_SLL: 113,
  IEEE802_11_RADIOTAP: 127,
  PKTAP_DARWIN: 149, // DLT_USER2, which macOS used for PKTAP before 258 was assigned
  PPI: 192,
  IPNET: 226,
  IPV4: 228,
  IPV6: 229,
  NFLOG: 239,
  IPOIB: 242,
  PKTAP: 258,
  LINUX_SLL2: 276,
} as const;

export const EtherType = {
  IPV4: 0x0800,
  IPV6: 0x86dd,
  VLAN: 0x8100,
  QINQ: 0x88a8,
  QINQ_OLD: 0x9100,
  QINQ_OLD2: 0x9200,
  MPLS: 0x8847,
  MPLS_MCAST: 0x8848,
  PPPOE_SESSION: 0x8864,
  MACSEC: 0x88e5,
  PBB: 0x88e7,
  NSH: 0x894f,
  ARISTA: 0xd28b,
} as const;

/**
 * sFlow v5 raw packet header samples name their header with their own `header_protocol` enum; this
 * maps it to the link type the decoder takes, or -1 when the decoder cannot open it.
 */
export function linkTypeForSflowHeader(headerProtocol: number): number {
  switch (headerProtocol) {
    case 1: // ETHERNET-ISO88023
      return LinkType.ETHERNET;
    case 5: // FRAME-RELAY
      return LinkType.FRELAY;
    case 7: // PPP
      return LinkType.PPP;
    case 11: // IPv4
      return LinkType.IPV4;
    case 12: // IPv6
      return LinkType.IPV6;
    case 14: // POS: PPP in HDLC-like framing
      return LinkType.PPP_HDLC;
    case 15: // 802.11 MAC
      return LinkType.IEEE802_11;
    default:
      return -1;
  }
}
