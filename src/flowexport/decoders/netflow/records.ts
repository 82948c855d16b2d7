import type { ExportedFlow } from '../../model.js';
import { PacketDecoder } from '../../../decode/decoder.js';
import { LinkType } from '../../../decode/linktypes.js';
import { Decoded, newSkipCounters, PacketInfo, SkipReason } from '../../../decode/packet.js';
import { v4Text, v6Text } from '../common/addr.js';
import { sampledFrameFlow } from '../common/sampled.js';
import { F } from './fields.js';
import type { DomainState, PacketContext } from './state.js';
import { VARIABLE, type Template } from './template.js';
import { uptimeAgo } from './v5.js';

/** Seconds from the NTP epoch (1900) to the Unix epoch. */
const NTP_UNIX = 2_208_988_800;
const noop = (): void => {};

function uint(buf: Buffer, p: number, l: number): number {
  switch (l) {
    case 1:
      return buf[p];
    case 2:
      return (buf[p] << 8) | buf[p + 1];
    case 4:
      return buf.readUInt32BE(p);
    case 8:
      return buf.readUInt32BE(p) * 4294967296 + buf.readUInt32BE(p + 4);
    default: {
      let v = 0;
      for (let i = 0; i < l; i++) v = v * 256 + buf[p + i];
      return v;
    }
  }
}

function ntpMs(buf: Buffer, p: number): number {
  return (buf.readUInt32BE(p) - NTP_UNIX) * 1000 + Math.floor(buf.readUInt32BE(p + 4) / 4294967.296);
}

/** Rate "one in N" from the sampling fields of one record; 0 when it has none. */
function rateOf(interval: number, pktInterval: number, pktSpace: number, population: number, size: number): number {
  if (interval > 0) return interval;
  if (pktInterval > 0 && pktSpace >= 0) return (pktInterval + pktSpace) / pktInterval;
  if (population > 0 && size > 0) return population / size;
  return 0;
}

/**
 * Decodes the data records of one set through a template's field plan. One instance per decoder;
 * the scratch fields below are overwritten per record, so nothing is allocated but the emitted flow.
 */
export class RecordDecoder {
  private bytes = -1;
  private packets = -1;
  private outBytes = -1;
  private outPackets = -1;
  private totalBytes = -1;
  private totalPackets = -1;
  private revBytes = -1;
  private revPackets = -1;
  private revTotalBytes = -1;
  private revTotalPackets = -1;
  private revFlags = 0;
  private proto = 0;
  private flags = 0;
  private sport = 0;
  private dport = 0;
  private src4 = -1;
  private dst4 = -1;
  private src6 = -1;
  private dst6 = -1;
  private vlan = 0;
  private postVlan = 0;
  private ipVersion = 0;
  private startUp = -1;
  private endUp = -1;
  private startS = -1;
  private endS = -1;
  private startMs = -1;
  private endMs = -1;
  private startDeltaUs = -1;
  private endDeltaUs = -1;
  private systemInit = -1;
  private initBytes = -1;
  private respBytes = -1;
  private initPackets = -1;
  private respPackets = -1;
  private biflowDir = -1;
  private samplerId = -1;
  private interval = -1;
  private pktInterval = -1;
  private pktSpace = -1;
  private population = -1;
  private size = -1;
  private observedMs = -1;
  private icmpTypeCode = -1;
  private inIf = 0;
  private outIf = 0;
  private frameOff = -1;
  private frameLen = 0;
  private frameSize = -1;
  private readonly frames = new PacketDecoder();
  private readonly info = new PacketInfo();
  /**
   * Flows emitted, records skipped for want of addresses, and sampled frames the packet decoder
   * skipped (per SkipReason code); the caller reads and resets them per set.
   */
  emitted = 0;
  addressless = 0;
  readonly frameSkips = newSkipCounters();

  private reset(): void {
    this.bytes = this.packets = this.outBytes = this.outPackets = this.totalBytes = this.totalPackets = -1;
    this.revBytes = this.revPackets = this.revTotalBytes = this.revTotalPackets = -1;
    this.revFlags = this.proto = this.flags = this.sport = this.dport = this.inIf = this.outIf = 0;
    this.src4 = this.dst4 = this.src6 = this.dst6 = -1;
    this.vlan = this.postVlan = this.ipVersion = 0;
    this.startUp = this.endUp = this.startS = this.endS = this.startMs = this.endMs = -1;
    this.startDeltaUs = this.endDeltaUs = this.systemInit = -1;
    this.initBytes = this.respBytes = this.initPackets = this.respPackets = this.biflowDir = -1;
    this.samplerId = this.interval = this.pktInterval = this.pktSpace = this.population = this.size = -1;
    this.frameOff = this.frameSize = this.icmpTypeCode = -1;
    this.observedMs = -1;
  }

  /**
   * Walk the records of buf[off, end) with template t: data records are emitted (counted in
   * `emitted`), options records update the domain's sampling state. Stops at padding (fewer bytes
   * than the shortest record). Returns the records walked, or -1 - walked when one runs past the end.
   */
  decodeSet(buf: Buffer, off: number, end: number, t: Template, c: PacketContext, emit: (f: ExportedFlow) => void): number {
    const kinds = t.kinds;
    const lens = t.lens;
    const n = kinds.length;
    const minLen = t.minLen;
    let count = 0;
    // Every record of a fixed-length template sets the same fields, each overwriting the last
    // record's value: one reset per set will do. A variable-length field may be empty in one record
    // (not set) after a record that set it, so such templates reset per record.
    this.reset();
    while (end - off >= minLen) {
      if (count > 0 && t.variable) this.reset();
      let p = off;
      for (let i = 0; i < n; i++) {
        let l = lens[i];
        if (l === VARIABLE) {
          if (p >= end) return -1 - count;
          l = buf[p++];
          if (l === 255) {
            if (p + 2 > end) return -1 - count;
            l = buf.readUInt16BE(p);
            p += 2;
          }
        }
        if (p + l > end) return -1 - count;
        const k = kinds[i];
        if (k !== F.SKIP && l !== 0) this.field(k, buf, p, l);
        p += l;
      }
      off = p;
      count++;
      if (t.options) this.applyOptions(c.domain);
      else if (this.emitFlow(buf, c, emit)) this.emitted++;
    }
    return count;
  }

  private field(k: number, buf: Buffer, p: number, l: number): void {
    switch (k) {
      case F.SRC_V4:
        if (l === 4) this.src4 = buf.readUInt32BE(p);
        return;
      case F.DST_V4:
        if (l === 4) this.dst4 = buf.readUInt32BE(p);
        return;
      case F.SRC_V6:
        if (l === 16) this.src6 = p;
        return;
      case F.DST_V6:
        if (l === 16) this.dst6 = p;
        return;
      case F.START_NTP:
        if (l === 8) this.startMs = ntpMs(buf, p);
        return;
      case F.END_NTP:
        if (l === 8) this.endMs = ntpMs(buf, p);
        return;
      case F.DATALINK:
        this.frameOff = p;
        this.frameLen = l;
        return;
    }
    if (l > 8) return;
    const v = uint(buf, p, l);
    switch (k) {
      case F.BYTES: this.bytes = v; break;
      case F.PACKETS: this.packets = v; break;
      case F.PROTO: this.proto = v & 0xff; break;
      case F.TCP_FLAGS: this.flags = v & 0xff; break;
      case F.SRC_PORT: this.sport = v & 0xffff; break;
      case F.DST_PORT: this.dport = v & 0xffff; break;
      case F.END_UPTIME: this.endUp = v; break;
      case F.START_UPTIME: this.startUp = v; break;
      case F.OUT_BYTES: this.outBytes = v; break;
      case F.OUT_PACKETS: this.outPackets = v; break;
      case F.VLAN: this.vlan = v & 0xfff; break;
      case F.POST_VLAN: this.postVlan = v & 0xfff; break;
      case F.IP_VERSION: this.ipVersion = v; break;
      case F.TOTAL_BYTES: this.totalBytes = v; break;
      case F.TOTAL_PACKETS: this.totalPackets = v; break;
      case F.START_S: this.startS = v; break;
      case F.END_S: this.endS = v; break;
      case F.START_MS: this.startMs = v; break;
      case F.OBSERVATION_MS: this.observedMs = v; break;
      case F.FRAME_SIZE: this.frameSize = v; break;
      case F.ICMP_TYPE_CODE: this.icmpTypeCode = v & 0xffff; break;
      case F.IN_IF: this.inIf = v; break;
      case F.OUT_IF: this.outIf = v; break;
      case F.OBSERVATION_S: this.observedMs = v * 1000; break;
      case F.END_MS: this.endMs = v; break;
      case F.START_DELTA_US: this.startDeltaUs = v; break;
      case F.END_DELTA_US: this.endDeltaUs = v; break;
      case F.SYSTEM_INIT_MS: this.systemInit = v; break;
      case F.INITIATOR_BYTES: this.initBytes = v; break;
      case F.RESPONDER_BYTES: this.respBytes = v; break;
      case F.INITIATOR_PACKETS: this.initPackets = v; break;
      case F.RESPONDER_PACKETS: this.respPackets = v; break;
      case F.BIFLOW_DIRECTION: this.biflowDir = v; break;
      case F.REV_BYTES: this.revBytes = v; break;
      case F.REV_PACKETS: this.revPackets = v; break;
      case F.REV_TCP_FLAGS: this.revFlags = v & 0xff; break;
      case F.REV_TOTAL_BYTES: this.revTotalBytes = v; break;
      case F.REV_TOTAL_PACKETS: this.revTotalPackets = v; break;
      case F.SAMPLER_ID: this.samplerId = v; break;
      case F.SAMPLING_INTERVAL: this.interval = v; break;
      case F.SAMPLING_PKT_INTERVAL: this.pktInterval = v; break;
      case F.SAMPLING_PKT_SPACE: this.pktSpace = v; break;
      case F.SAMPLING_POPULATION: this.population = v; break;
      case F.SAMPLING_SIZE: this.size = v; break;
    }
  }

  /** An options record: sampler rates (per sampler id, or the domain default) and the uptime base. */
  private applyOptions(d: DomainState): void {
    if (this.systemInit >= 0) d.systemInitMs = this.systemInit;
    const rate = rateOf(this.interval, this.pktInterval, this.pktSpace, this.population, this.size);
    if (rate <= 0) return;
    if (this.samplerId >= 0) d.setSampler(this.samplerId, rate);
    else d.defaultRate = rate;
    d.health.samplingRate = rate;
  }

  private time(c: PacketContext, ms: number, s: number, deltaUs: number, up: number): number {
    if (ms >= 0) return ms;
    if (s >= 0) return s * 1000;
    if (deltaUs >= 0) return c.exportMs - Math.round(deltaUs / 1000);
    if (up >= 0) {
      if (c.sysUptime >= 0) return c.exportMs - uptimeAgo(c.sysUptime, up);
      const init = this.systemInit >= 0 ? this.systemInit : c.domain.systemInitMs;
      if (init >= 0) return init + up;
    }
    return this.observedMs >= 0 ? this.observedMs : c.exportMs;
  }

  private rate(d: DomainState): number {
    const rate = rateOf(this.interval, this.pktInterval, this.pktSpace, this.population, this.size);
    if (rate !== 0) return rate;
    return this.samplerId >= 0 ? d.samplerRate(this.samplerId) : d.defaultRate;
  }

  /**
   * A record carrying a sampled frame (dataLinkFrameSection) instead of addresses: the frame goes
   * through the one packet decoder, as sFlow raw headers do; one packet, its IP length in bytes.
   */
  private emitFrame(buf: Buffer, c: PacketContext, emit: (f: ExportedFlow) => void): boolean {
    const info = this.info;
    info.tsMs = c.exportMs;
    // The frame's length on the wire bounds the IP length; without it, the IP header is believed.
    const wire = this.frameSize >= this.frameLen && this.frameSize > 0 ? this.frameSize : 65535;
    let r = this.frames.decode(LinkType.ETHERNET, buf, this.frameOff, this.frameLen, wire, info);
    // A sampled later fragment has no first fragment to wait for: take it at once, without ports.
    if (r === SkipReason.FRAGMENT_HELD && this.frames.drainHeld(info, noop) === 1) r = Decoded;
    if (r !== Decoded) {
      this.frameSkips[r]++;
      return false;
    }
    const time = this.time(c, this.startMs, this.startS, this.startDeltaUs, this.startUp);
    const rate = this.rate(c.domain);
    if (rate !== 0) c.domain.health.samplingRate = rate;
    emit(
      sampledFrameFlow(info, {
        vlan: this.vlan,
        bytes: this.bytes >= 0 ? this.bytes : info.ipBytes,
        packets: this.packets >= 0 ? this.packets : 1,
        firstSeen: time,
        lastSeen: this.endMs >= 0 || this.endS >= 0 || this.endDeltaUs >= 0 || this.endUp >= 0 ? this.time(c, this.endMs, this.endS, this.endDeltaUs, this.endUp) : time,
        samplingRate: rate,
        exporter: c.exporter,
        domain: c.domain.domain,
        inIf: this.inIf,
        outIf: this.outIf,
      }),
    );
    return true;
  }

  private emitFlow(buf: Buffer, c: PacketContext, emit: (f: ExportedFlow) => void): boolean {
    let src: string;
    let dst: string;
    let ipVersion: 4 | 6;
    if (this.src4 >= 0 && this.dst4 >= 0 && !(this.ipVersion === 6 && this.src6 >= 0 && this.dst6 >= 0)) {
      src = v4Text(this.src4);
      dst = v4Text(this.dst4);
      ipVersion = 4;
    } else if (this.src6 >= 0 && this.dst6 >= 0) {
      src = v6Text(buf, this.src6);
      dst = v6Text(buf, this.dst6);
      ipVersion = 6;
    } else if (this.frameOff >= 0) {
      return this.emitFrame(buf, c, emit);
    } else {
      this.addressless++;
      return false;
    }
    const d = c.domain;
    const rate = this.rate(d);
    if (rate !== 0) d.health.samplingRate = rate;
    const bytes = this.bytes >= 0 ? this.bytes : this.totalBytes >= 0 ? this.totalBytes : this.initBytes >= 0 ? this.initBytes : this.outBytes >= 0 ? this.outBytes : 0;
    const packets = this.packets >= 0 ? this.packets : this.totalPackets >= 0 ? this.totalPackets : this.initPackets >= 0 ? this.initPackets : this.outPackets >= 0 ? this.outPackets : 0;
    const rBytes = this.revBytes >= 0 ? this.revBytes : this.revTotalBytes >= 0 ? this.revTotalBytes : this.respBytes >= 0 ? this.respBytes : 0;
    const rPackets = this.revPackets >= 0 ? this.revPackets : this.revTotalPackets >= 0 ? this.revTotalPackets : this.respPackets >= 0 ? this.respPackets : 0;
    const initiator = this.biflowDir === 1 ? 'src' : this.biflowDir === 2 ? 'dst' : this.initBytes >= 0 || this.respBytes >= 0 || this.initPackets >= 0 ? 'src' : null;
    const proto = this.proto;
    // ICMP type and code go where NetFlow v5 puts them (and the collector reads them): the destination port.
    const icmp = (proto === 1 || proto === 58) && this.dport === 0 && this.icmpTypeCode >= 0;
    emit({
      src,
      dst,
      srcPort: this.sport,
      dstPort: icmp ? this.icmpTypeCode : this.dport,
      proto,
      ipVersion,
      vlan: this.vlan !== 0 ? this.vlan : this.postVlan,
      bytes,
      packets,
      reverseBytes: rBytes,
      reversePackets: rPackets,
      tcpFlags: proto === 6 ? this.flags : 0,
      reverseTcpFlags: proto === 6 ? this.revFlags : 0,
      firstSeen: this.time(c, this.startMs, this.startS, this.startDeltaUs, this.startUp),
      lastSeen: this.time(c, this.endMs, this.endS, this.endDeltaUs, this.endUp),
      samplingRate: rate,
      initiator,
      exporter: c.exporter,
      domain: d.domain,
      inIf: this.inIf,
      outIf: this.outIf,
    });
    return true;
  }
}
