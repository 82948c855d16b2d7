/** Ground-truth types of the lab generator (what tests compare flowmap's output with). */
import type { FlowRecord } from '../flow/record.js';

/**
 * Ground truth for one conversation (all packets with this key, summed), in the flow record's terms:
 * ICMP's identifier is in clientPort and its serverPort is 0; vlan is 0 on links that carry no tags.
 */
export interface LabConversation
  extends Pick<
    FlowRecord,
    | 'client' | 'clientPort' | 'server' | 'serverPort' | 'proto' | 'ipVersion' | 'vlan'
    | 'bytesC2s' | 'bytesS2c' | 'packetsC2s' | 'packetsS2c' | 'tcpFlagsC2s' | 'tcpFlagsS2c' | 'firstSeen' | 'lastSeen'
  > {
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
