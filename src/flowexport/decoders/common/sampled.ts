import type { PacketInfo } from '../../../decode/packet.js';
import type { ExportedFlow } from '../../model.js';
import { wordsText } from './addr.js';

/** What a sampled-frame record says beyond the frame itself. */
export interface SampledFrame {
  /** VLAN from the export record, used when the frame carries no 802.1Q tag. */
  vlan: number;
  bytes: number;
  packets: number;
  firstSeen: number;
  lastSeen: number;
  samplingRate: number;
  exporter: string;
  domain: number;
  inIf: number;
  outIf: number;
}

/**
 * The flow of one sampled frame that the one packet decoder has decoded into `info` (sFlow raw
 * headers, IPFIX dataLinkFrameSection): one direction, nothing known of the reverse.
 */
export function sampledFrameFlow(info: PacketInfo, f: SampledFrame): ExportedFlow {
  const proto = info.proto;
  return {
    src: wordsText(info.src),
    dst: wordsText(info.dst),
    srcPort: info.srcPort,
    dstPort: info.dstPort,
    proto,
    ipVersion: info.ipVersion === 6 ? 6 : 4,
    vlan: info.vlan !== 0 ? info.vlan : f.vlan,
    bytes: f.bytes,
    packets: f.packets,
    reverseBytes: 0,
    reversePackets: 0,
    tcpFlags: proto === 6 ? info.tcpFlags : 0,
    reverseTcpFlags: 0,
    firstSeen: f.firstSeen,
    lastSeen: f.lastSeen,
    samplingRate: f.samplingRate,
    initiator: null,
    exporter: f.exporter,
    domain: f.domain,
    inIf: f.inIf,
    outIf: f.outIf,
  };
}
