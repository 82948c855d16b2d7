/**
 * The flow-export model: what the decoders (decoders/: NetFlow v5/v9, IPFIX, sFlow) hand to the pairing
 * (pairing/), which turns exported flows into the one FlowRecord (client/server sides, scaled counters)
 * that every store holds. Everything else in src/flowexport depends on this module, and it on nothing.
 */

/** How an exported flow is read: as a flow record (pairing) or a sampled packet (aggregation). */
export type ExportFamily = 'netflow' | 'ipfix' | 'sflow';

/** What a listener (or a replayed datagram's destination port) says the datagrams are. */
export type DatagramHint = 'netflow' | 'sflow' | 'auto';

/** Export protocols, as reported in exporter health. */
export type ExportProtocol = 'netflow-v5' | 'netflow-v9' | 'ipfix' | 'sflow';

/**
 * One flow as an exporter reported it: one direction, src -> dst as the exporter saw it, raw counters.
 * Bytes are IP-layer octets (as NetFlow/IPFIX count them); for sFlow a sampled packet is one record with
 * packets 1 and bytes = its IP length. Counters are NOT scaled by the sampling rate: the pairing (pairing/) does that.
 */
export interface ExportedFlow {
  /** Canonical address text (IPv4 dotted quad, IPv6 RFC 5952). */
  src: string;
  dst: string;
  srcPort: number;
  dstPort: number;
  proto: number;
  ipVersion: 4 | 6;
  /** 802.1Q VLAN id, 0 when absent. */
  vlan: number;
  /** src -> dst, raw counters. */
  bytes: number;
  packets: number;
  /** dst -> src, for RFC 5103 biflow records (reverse information elements); 0 otherwise. */
  reverseBytes: number;
  reversePackets: number;
  /** OR of TCP flags src -> dst and dst -> src (reverse only for biflows); 0 when unknown or not TCP. */
  tcpFlags: number;
  reverseTcpFlags: number;
  /** Epoch milliseconds, UTC. */
  firstSeen: number;
  lastSeen: number;
  /** 1 = unsampled; N = one packet in N was sampled, as the exporter says; 0 = the exporter said nothing. */
  samplingRate: number;
  /**
   * Which side the exporter states opened the flow: IPFIX biflowDirection, initiator/responder octets,
   * or null when it does not say (the pairing then infers it with src/flow/direction.ts).
   */
  initiator: 'src' | 'dst' | null;
  /** Exporter address (the datagram's source, or the sFlow agent address) and source id / observation domain. */
  exporter: string;
  domain: number;
  /**
   * SNMP ifIndex of the exporter interface the src -> dst traffic entered (`inIf`: v5 input, v9
   * INPUT_SNMP / IPFIX ingressInterface, sFlow input) and left (`outIf`); 0 when not stated.
   */
  inIf: number;
  outIf: number;
}

/** Health of one exporter (per observation domain / source id / sFlow sub-agent). */
export interface ExporterHealth {
  exporter: string;
  domain: number;
  protocol: ExportProtocol;
  datagrams: number;
  records: number;
  /** Datagrams (v5/sFlow) or export packets (v9/IPFIX) missing by the sequence numbers. */
  sequenceGaps: number;
  /** Data records dropped, or held and later dropped, because their template never came. */
  templateMisses: number;
  /** Decode errors, all reasons; per reason in `errorReasons`. */
  errors: number;
  errorReasons: Record<string, number>;
  /** Sampling rate in use (the latest one seen), 1 when unsampled, 0 when unknown. */
  samplingRate: number;
  /** Epoch ms of the last datagram. */
  lastSeen: number;
}

/** Health counters per (exporter, domain, protocol), shared by every decoder of one collector. */
export class HealthBook {
  private readonly byKey = new Map<string, ExporterHealth>();

  get(exporter: string, domain: number, protocol: ExportProtocol): ExporterHealth {
    const key = `${protocol}|${exporter}|${domain}`;
    let h = this.byKey.get(key);
    if (h === undefined) {
      h = { exporter, domain, protocol, datagrams: 0, records: 0, sequenceGaps: 0, templateMisses: 0, errors: 0, errorReasons: {}, samplingRate: 0, lastSeen: 0 };
      this.byKey.set(key, h);
    }
    return h;
  }

  /** Count one decode error with a short reason (e.g. `truncated header`, `set length beyond datagram`). */
  error(h: ExporterHealth, reason: string): void {
    h.errors++;
    h.errorReasons[reason] = (h.errorReasons[reason] ?? 0) + 1;
  }

  all(): ExporterHealth[] {
    return [...this.byKey.values()];
  }
}

/** A decoder of one export protocol family. Never throws on datagram content: errors go to the HealthBook. */
export interface ExportDecoder {
  /**
   * Decode one UDP payload from `exporter` (the datagram's source address text), received at
   * `receivedMs` (epoch ms). Calls `emit` for every record decoded (possibly records held earlier
   * for want of a template).
   */
  decode(datagram: Buffer, exporter: string, receivedMs: number, emit: (flow: ExportedFlow) => void): void;
}
