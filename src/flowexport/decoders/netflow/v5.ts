import type { ExportedFlow, HealthBook } from '../../model.js';
import { v4Text } from '../common/addr.js';
import { BoundedMap } from '../common/bounded.js';
import { SequenceTracker } from '../common/sequence.js';

const HEADER = 24;
const RECORD = 48;
/** Cisco's limit; more is a malformed (or hostile) count. */
const MAX_COUNT = 30;

/**
 * NetFlow v5: fixed 24-byte header and 48-byte records. The domain is engine_type << 8 | engine_id
 * (one flow sequence per engine). The sequence counts flows.
 */
export class V5Decoder {
  private readonly sequences = new BoundedMap<string, SequenceTracker>(65_536);

  constructor(private readonly health: HealthBook) {}

  decode(buf: Buffer, exporter: string, receivedMs: number, emit: (flow: ExportedFlow) => void): void {
    if (buf.length < HEADER) {
      const h = this.health.get(exporter, 0, 'netflow-v5');
      h.datagrams++;
      h.lastSeen = receivedMs;
      this.health.error(h, 'truncated header');
      return;
    }
    const domain = (buf[20] << 8) | buf[21];
    const h = this.health.get(exporter, domain, 'netflow-v5');
    h.datagrams++;
    h.lastSeen = receivedMs;
    let count = buf.readUInt16BE(2);
    // Beyond Cisco's limit, but the records that are there are still decoded.
    if (count > MAX_COUNT) this.health.error(h, 'record count above 30');
    if (HEADER + count * RECORD > buf.length) {
      this.health.error(h, 'records beyond datagram');
      count = Math.floor((buf.length - HEADER) / RECORD);
    }
    const sysUptime = buf.readUInt32BE(4);
    const exportMs = buf.readUInt32BE(8) * 1000 + Math.floor(buf.readUInt32BE(12) / 1e6);
    const seq = buf.readUInt32BE(16);
    const si = buf.readUInt16BE(22);
    const interval = si & 0x3fff;
    // Mode 0 with interval 0 is "not sampled"; some exporters fill the interval but not the mode.
    const rate = interval !== 0 ? interval : si >>> 14 === 0 ? 1 : 0;
    h.samplingRate = rate;
    const key = `${exporter}|${domain}`;
    let tracker = this.sequences.get(key);
    if (tracker === undefined) {
      tracker = new SequenceTracker();
      this.sequences.set(key, tracker);
    }
    tracker.track(seq, count, h);
    for (let i = 0, off = HEADER; i < count; i++, off += RECORD) {
      const first = buf.readUInt32BE(off + 24);
      const last = buf.readUInt32BE(off + 28);
      const proto = buf[off + 38];
      emit({
        src: v4Text(buf.readUInt32BE(off)),
        dst: v4Text(buf.readUInt32BE(off + 4)),
        srcPort: buf.readUInt16BE(off + 32),
        dstPort: buf.readUInt16BE(off + 34),
        proto,
        ipVersion: 4,
        vlan: 0,
        bytes: buf.readUInt32BE(off + 20),
        packets: buf.readUInt32BE(off + 16),
        reverseBytes: 0,
        reversePackets: 0,
        tcpFlags: proto === 6 ? buf[off + 37] : 0,
        reverseTcpFlags: 0,
        firstSeen: exportMs - uptimeAgo(sysUptime, first),
        lastSeen: exportMs - uptimeAgo(sysUptime, last),
        samplingRate: rate,
        initiator: null,
        exporter,
        domain,
        inIf: buf.readUInt16BE(off + 12),
        outIf: buf.readUInt16BE(off + 14),
      });
    }
    h.records += count;
  }
}

/** Milliseconds from sysUptime value `at` back to `now`, across the 32-bit wrap; negative when `at` is later. */
export function uptimeAgo(now: number, at: number): number {
  const d = (now - at) >>> 0;
  return d < 0x80000000 ? d : d - 0x100000000;
}
