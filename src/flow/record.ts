/**
 * The one flow record every source produces and every store holds (see design notes).
 *
 * Sides are `client` and `server`, never "src/dst as seen". The server port is the service.
 * Bytes are IP-layer octets (IP header + payload, as NetFlow/IPFIX count them), per direction.
 * Times are UTC epoch milliseconds. A long conversation may be split into several records by the
 * active timeout; every query sums records.
 */
export interface FlowRecord {
  /** Client address, canonical text form (IPv4 dotted quad, IPv6 RFC 5952). */
  client: string;
  /** Server address, canonical text form. */
  server: string;
  /** Client transport port; for ICMP echo the identifier; 0 where none. */
  clientPort: number;
  /** Server transport port (the service); 0 where none. */
  serverPort: number;
  /** IP protocol number (6 tcp, 17 udp, 1 icmp, 58 icmpv6, ...). */
  proto: number;
  /** 4 or 6. */
  ipVersion: 4 | 6;
  /** 802.1Q VLAN id of the innermost tag, 0 where untagged. */
  vlan: number;
  /** IP-layer octets client -> server, scaled by the sampling rate (the estimate queries use). */
  bytesC2s: number;
  bytesS2c: number;
  packetsC2s: number;
  packetsS2c: number;
  /** 1 for unsampled sources; raw counters = scaled / samplingRate. */
  samplingRate: number;
  /** OR of the TCP flags seen in each direction (0 for non-TCP). */
  tcpFlagsC2s: number;
  tcpFlagsS2c: number;
  /** Epoch milliseconds, UTC. */
  firstSeen: number;
  lastSeen: number;
  /** How the client side was decided. */
  direction: DirectionEvidence;
  /** Where the record came from: e.g. `pcap:lab.pcap`, `capture:eth0`, `netflow:10.0.0.1/0`. */
  source: string;
  /** Address of the flow exporter (NetFlow/IPFIX datagram source, sFlow agent); '' for captures. */
  exporter: string;
  /**
   * SNMP ifIndex of the exporter interface through which client -> server traffic entered (`inIf`)
   * and left (`outIf`); server -> client traffic took them the other way round. 0 where unknown
   * (captures, exporters that do not say).
   */
  inIf: number;
  outIf: number;
  /**
   * Conversations this record begins: 1 for the first record of a conversation, 0 for its
   * continuations (active-timeout splits, records after an idle gap or an eviction of the same
   * conversation). `connections` is the sum of this, so it stays exact however often a client port
   * is reused (see flow/conversation.ts, `conversationStarts`).
   */
  starts: number;
}

/** Why one end was taken as the client. Ordered from strongest to weakest evidence. */
export type DirectionEvidence =
  | 'handshake' // TCP SYN / SYN-ACK seen
  | 'icmp' // echo/info request sender
  | 'listener' // the other end is a known listening endpoint (seen accepting a handshake)
  | 'service-port' // the other end's port is a registered service port, this one's is not
  | 'fan-in' // the other end's endpoint is talked to by more distinct peers
  | 'port-rank' // neither or both registered: well-known/non-ephemeral/lower port taken as the server
  | 'first-packet' // no evidence at all (e.g. equal ports, port-less protocols): first sender is the client
  | 'exporter'; // the source states it (e.g. ntopng rows)

export const DIRECTION_EVIDENCE: readonly DirectionEvidence[] = [
  'handshake',
  'icmp',
  'listener',
  'service-port',
  'fan-in',
  'port-rank',
  'first-packet',
  'exporter',
];
