/** Ground-truth types of the lab generator (what tests compare flowmap's output with). */

/** Ground truth for one conversation (all packets with this key, summed). */
export interface LabConversation {
  client: string;
  clientPort: number;
  server: string;
  /** The service port; 0 for ICMP (whose identifier is in clientPort). */
  serverPort: number;
  proto: number;
  ipVersion: 4 | 6;
  /** Innermost 802.1Q id; 0 when untagged or the link type carries no tags. */
  vlan: number;
  /** IP-layer octets (IPv4 total length, IPv6 40 + payload length), per direction. */
  bytesC2s: number;
  bytesS2c: number;
  packetsC2s: number;
  packetsS2c: number;
  tcpFlagsC2s: number;
  tcpFlagsS2c: number;
  /** Epoch ms (floor of the packet timestamps). */
  firstSeen: number;
  lastSeen: number;
  /** A SYN of this conversation is in the file. */
  handshake: boolean;
  /** Started before the capture (no handshake / request in the file). */
  preExisting: boolean;
  /** The first packet in the file went server -> client. */
  firstFromServer: boolean;
  /** Template name, e.g. `esxi-nfc`, `dns`, `wifi-https`. */
  service: string;
  /** pcapng interface index the conversation was written to. */
  ifIndex: number;
}

export interface LabTruth {
  conversations: LabConversation[];
  /** All frames written, IP frames, and non-IP frames (ARP). */
  frames: number;
  ipFrames: number;
  nonIpFrames: number;
  /** IPv4 fragments written (first and later). */
  fragments: number;
  /** Sum of IP-layer bytes over all IP frames. */
  ipBytes: number;
  /** Capture file size. */
  fileBytes: number;
  firstMs: number;
  lastMs: number;
  linkTypes: number[];
}

/** Conversation key as used in the truth (and handy for tests): `proto client:port > server:port vlan`. */
export function conversationKey(c: Pick<LabConversation, 'proto' | 'client' | 'clientPort' | 'server' | 'serverPort' | 'vlan'>): string {
  return `${c.proto} ${c.client}:${c.clientPort} > ${c.server}:${c.serverPort} v${c.vlan}`;
}
