import type { ExportedFlow, ExporterHealth, HealthBook } from '../../model.js';
import { PacketDecoder } from '../../../decode/decoder.js';
import { linkTypeForSflowHeader } from '../../../decode/linktypes.js';
import { Decoded, PacketInfo, SKIP_REASON_NAMES, SkipReason } from '../../../decode/packet.js';
import { v4Text, v6Text } from '../common/addr.js';
import { sampledFrameFlow } from '../common/sampled.js';
import { BoundedMap } from '../common/bounded.js';
import { SequenceTracker } from '../common/sequence.js';

// Sample and flow record formats (enterprise 0).
const FLOW_SAMPLE = 1;
const COUNTER_SAMPLE = 2;
const FLOW_SAMPLE_EXPANDED = 3;
const COUNTER_SAMPLE_EXPANDED = 4;
const RAW_HEADER = 1;
const IPV4_DATA = 3;
const IPV6_DATA = 4;
const EXTENDED_SWITCH = 1001;

const noop = (): void => {};
const MAX_AGENTS_PER_SOURCE = 1024;
const MAX_AGENTS = 65_536;

/** Reason for a record that ended before its fields. */
const TRUNC = 'truncated';

/**
 * sFlow v5 (sflow.org/sflow_version_5.txt): flow samples and expanded flow samples become one flow
 * each (packets 1, bytes = the sampled packet's IP length, the sample's sampling rate, time = receive
 * time). The raw packet header goes through the one packet decoder; the sampled IPv4/IPv6 records are
 * used when there is no header. Counter samples are bounds-checked and skipped. The exporter is the
 * agent address and the domain its sub-agent id; the datagram sequence counts lost datagrams.
 */
export class SflowDecoder {
  private readonly sequences = new Map<string, SequenceTracker>();
  private readonly agentsBySource = new BoundedMap<string, number>(10_000);
  private readonly packets = new PacketDecoder();
  private readonly info = new PacketInfo();
  // The sample being decoded (reused).
  private hdrOff = -1;
  private hdrLen = 0;
  private hdrProto = 0;
  private frameLen = 0;
  private ipRec = -1;
  private ipRecV6 = false;
  private switchVlan = 0;
  private inIf = 0;
  private outIf = 0;

  constructor(private readonly health: HealthBook) {}

  decode(buf: Buffer, exporter: string, receivedMs: number, emit: (flow: ExportedFlow) => void): void {
    const n = buf.length;
    if (n < 28 || buf.readUInt32BE(0) !== 5) {
      const h = this.health.get(exporter, 0, 'sflow');
      h.datagrams++;
      h.lastSeen = receivedMs;
      this.health.error(h, n < 28 ? 'truncated header' : `unknown sFlow version ${n >= 4 ? buf.readUInt32BE(0) : -1}`);
      return;
    }
    const addrType = buf.readUInt32BE(4);
    let p: number;
    let agent: string;
    if (addrType === 1) {
      agent = v4Text(buf.readUInt32BE(8));
      p = 12;
    } else if (addrType === 2 && n >= 40) {
      agent = v6Text(buf, 8);
      p = 24;
    } else {
      const h = this.health.get(exporter, 0, 'sflow');
      h.datagrams++;
      h.lastSeen = receivedMs;
      this.health.error(h, addrType === 2 ? 'truncated header' : 'unknown agent address type');
      return;
    }
    const subAgent = buf.readUInt32BE(p);
    const seq = buf.readUInt32BE(p + 4);
    let samples = buf.readUInt32BE(p + 12);
    p += 16;
    const key = `${agent}|${subAgent}`;
    let tracker = this.sequences.get(key);
    if (tracker === undefined) {
      // Agent and sub-agent come from the datagram: each new pair gets a health entry for good, so
      // one UDP source may bring only so many.
      const n = this.agentsBySource.get(exporter) ?? 0;
      if (n >= MAX_AGENTS_PER_SOURCE || this.sequences.size >= MAX_AGENTS) {
        const h0 = this.health.get(exporter, 0, 'sflow');
        h0.datagrams++;
        h0.lastSeen = receivedMs;
        this.health.error(h0, 'too many agents / sub-agents from one source');
        return;
      }
      this.agentsBySource.set(exporter, n + 1);
      tracker = new SequenceTracker();
      this.sequences.set(key, tracker);
    }
    const h = this.health.get(agent, subAgent, 'sflow');
    h.datagrams++;
    h.lastSeen = receivedMs;
    tracker.track(seq, 1, h);
    for (; samples > 0; samples--) {
      if (n - p < 8) {
        this.health.error(h, 'sample beyond datagram');
        return;
      }
      const format = buf.readUInt32BE(p);
      const len = buf.readUInt32BE(p + 4);
      const body = p + 8;
      if (len > n - body) {
        this.health.error(h, 'sample beyond datagram');
        return;
      }
      const end = body + len;
      if (format === FLOW_SAMPLE || format === FLOW_SAMPLE_EXPANDED) {
        this.flowSample(buf, body, end, format === FLOW_SAMPLE_EXPANDED, h, agent, subAgent, receivedMs, emit);
      } else if (format === COUNTER_SAMPLE || format === COUNTER_SAMPLE_EXPANDED) {
        this.counterSample(buf, body, end, format === COUNTER_SAMPLE_EXPANDED, h);
      }
      p = end; // other formats and enterprises: skipped by length
    }
  }

  private flowSample(
    buf: Buffer, p: number, end: number, expanded: boolean, h: ExporterHealth, agent: string, subAgent: number,
    receivedMs: number, emit: (flow: ExportedFlow) => void,
  ): void {
    const head = expanded ? 44 : 32;
    if (end - p < head) {
      this.health.error(h, 'truncated flow sample');
      return;
    }
    const rate = buf.readUInt32BE(p + (expanded ? 12 : 8));
    this.interfaces(buf, p, expanded);
    let records = buf.readUInt32BE(p + head - 4);
    p += head;
    this.hdrOff = this.ipRec = -1;
    this.switchVlan = 0;
    for (; records > 0; records--) {
      if (end - p < 8) {
        this.health.error(h, 'flow record beyond sample');
        return;
      }
      const format = buf.readUInt32BE(p);
      const len = buf.readUInt32BE(p + 4);
      const body = p + 8;
      if (len > end - body) {
        this.health.error(h, 'flow record beyond sample');
        return;
      }
      if (format === RAW_HEADER) {
        if (len < 16) {
          this.health.error(h, TRUNC + ' raw packet header');
        } else {
          const hl = buf.readUInt32BE(body + 12);
          if (hl > len - 16) {
            this.health.error(h, 'header length beyond record');
          } else {
            this.hdrProto = buf.readUInt32BE(body);
            this.frameLen = buf.readUInt32BE(body + 4) - buf.readUInt32BE(body + 8);
            this.hdrOff = body + 16;
            this.hdrLen = hl;
          }
        }
      } else if (format === IPV4_DATA || format === IPV6_DATA) {
        if (len < (format === IPV4_DATA ? 32 : 56)) this.health.error(h, TRUNC + ' sampled IP record');
        else {
          this.ipRec = body;
          this.ipRecV6 = format === IPV6_DATA;
        }
      } else if (format === EXTENDED_SWITCH) {
        if (len >= 16) this.switchVlan = buf.readUInt32BE(body) & 0xfff;
      }
      p = body + len;
    }
    h.samplingRate = rate;
    if (this.hdrOff >= 0 && this.fromHeader(buf, h, agent, subAgent, rate, receivedMs, emit)) return;
    if (this.ipRec >= 0) this.fromIpRecord(buf, h, agent, subAgent, rate, receivedMs, emit);
  }

  /**
   * The sample's input and output interfaces. A compact sample packs each as a format in the top 2
   * bits (0: an ifIndex, 1: discarded, 2: several interfaces) and a value in the low 30; an expanded
   * sample has a format word and a value word each. Only ifIndex values are kept: 0 otherwise.
   */
  private interfaces(buf: Buffer, p: number, expanded: boolean): void {
    if (expanded) {
      this.inIf = buf.readUInt32BE(p + 24) === 0 ? buf.readUInt32BE(p + 28) : 0;
      this.outIf = buf.readUInt32BE(p + 32) === 0 ? buf.readUInt32BE(p + 36) : 0;
      return;
    }
    const input = buf.readUInt32BE(p + 20);
    const output = buf.readUInt32BE(p + 24);
    this.inIf = input >>> 30 === 0 ? input & 0x3fffffff : 0;
    this.outIf = output >>> 30 === 0 ? output & 0x3fffffff : 0;
  }

  /** The sampled header through the one packet decoder; false when it is not IP we can read. */
  private fromHeader(
    buf: Buffer, h: ExporterHealth, agent: string, subAgent: number, rate: number, receivedMs: number,
    emit: (flow: ExportedFlow) => void,
  ): boolean {
    const lt = linkTypeForSflowHeader(this.hdrProto);
    if (lt < 0) {
      if (this.ipRec < 0) this.health.error(h, `sampled header: unsupported header protocol ${this.hdrProto}`);
      return false;
    }
    const info = this.info;
    info.tsMs = receivedMs;
    const wire = this.frameLen > this.hdrLen ? this.frameLen : this.hdrLen;
    let r = this.packets.decode(lt, buf, this.hdrOff, this.hdrLen, wire, info);
    // A sampled later fragment has no first fragment to wait for: take it at once, without ports.
    if (r === SkipReason.FRAGMENT_HELD && this.packets.drainHeld(info, noop) === 1) r = Decoded;
    if (r !== Decoded) {
      // Sampled ARP, LLDP, ... are not flows; damaged headers are counted.
      if (r !== SkipReason.NOT_IP && this.ipRec < 0) this.health.error(h, `sampled header: ${SKIP_REASON_NAMES[r] ?? 'undecodable'}`);
      return false;
    }
    emit(sampledFrameFlow(info, { vlan: this.switchVlan, bytes: info.ipBytes, packets: 1, firstSeen: receivedMs, lastSeen: receivedMs, samplingRate: rate, exporter: agent, domain: subAgent, inIf: this.inIf, outIf: this.outIf }));
    h.records++;
    return true;
  }

  private fromIpRecord(
    buf: Buffer, h: ExporterHealth, agent: string, subAgent: number, rate: number, receivedMs: number,
    emit: (flow: ExportedFlow) => void,
  ): void {
    const p = this.ipRec;
    const v6 = this.ipRecV6;
    const a = v6 ? 40 : 16; // offset of the ports
    const proto = buf.readUInt32BE(p + 4) & 0xff;
    emit({
      src: v6 ? v6Text(buf, p + 8) : v4Text(buf.readUInt32BE(p + 8)),
      dst: v6 ? v6Text(buf, p + 24) : v4Text(buf.readUInt32BE(p + 12)),
      srcPort: buf.readUInt32BE(p + a) & 0xffff,
      dstPort: buf.readUInt32BE(p + a + 4) & 0xffff,
      proto,
      ipVersion: v6 ? 6 : 4,
      vlan: this.switchVlan,
      bytes: buf.readUInt32BE(p),
      packets: 1,
      reverseBytes: 0,
      reversePackets: 0,
      tcpFlags: proto === 6 ? buf.readUInt32BE(p + a + 8) & 0xff : 0,
      reverseTcpFlags: 0,
      firstSeen: receivedMs,
      lastSeen: receivedMs,
      samplingRate: rate,
      initiator: null,
      exporter: agent,
      domain: subAgent,
      inIf: this.inIf,
      outIf: this.outIf,
    });
    h.records++;
  }

  /** Counter samples are not flows: check their record structure and skip them. */
  private counterSample(buf: Buffer, p: number, end: number, expanded: boolean, h: ExporterHealth): void {
    const head = expanded ? 16 : 12;
    if (end - p < head) {
      this.health.error(h, 'truncated counter sample');
      return;
    }
    let records = buf.readUInt32BE(p + head - 4);
    p += head;
    for (; records > 0; records--) {
      if (end - p < 8 || buf.readUInt32BE(p + 4) > end - p - 8) {
        this.health.error(h, 'counter record beyond sample');
        return;
      }
      p += 8 + buf.readUInt32BE(p + 4);
    }
  }
}
