/**
 * Test helper: the export datagrams (UDP payloads) carried in a capture file, taken out with the
 * project's own pcap reader and packet decoder, for replaying into the export decoders.
 */
import { readCapture, openCaptureFile } from '../sources/pcap/reader.js';
import { PacketDecoder } from '../decode/decoder.js';
import { Decoded, PacketInfo } from '../decode/packet.js';
import { formatAddr } from '../util/ip.js';

export interface CapturedDatagram {
  /** A copy of the UDP payload. */
  payload: Buffer;
  /** Source address text (the exporter) and ports. */
  src: string;
  srcPort: number;
  dstPort: number;
  tsMs: number;
}

export async function readExportDatagrams(file: string): Promise<CapturedDatagram[]> {
  const decoder = new PacketDecoder();
  const info = new PacketInfo();
  const out: CapturedDatagram[] = [];
  await readCapture(openCaptureFile(file), {
    frame(linkType, buf, off, capLen, origLen, tsMs) {
      info.tsMs = tsMs;
      if (decoder.decode(linkType, buf, off, capLen, origLen, info) !== Decoded || info.proto !== 17) return;
      if (info.payloadEnd <= info.payloadStart) return;
      out.push({
        payload: Buffer.from(buf.subarray(info.payloadStart, info.payloadEnd)),
        src: formatAddr(info.src),
        srcPort: info.srcPort,
        dstPort: info.dstPort,
        tsMs,
      });
    },
  });
  return out;
}

/**
 * Write datagrams as one classic pcap (raw IPv4 link type, UDP to each datagram's port), so that
 * tshark sees templates and data that the corpus keeps in separate files in one capture, in order.
 */
export function datagramsPcap(datagrams: readonly CapturedDatagram[]): Buffer {
  const parts: Buffer[] = [];
  const gh = Buffer.alloc(24);
  gh.writeUInt32LE(0xa1b2c3d4, 0);
  gh.writeUInt16LE(2, 4);
  gh.writeUInt16LE(4, 6);
  gh.writeUInt32LE(262144, 16);
  gh.writeUInt32LE(228, 20); // LINKTYPE_IPV4
  parts.push(gh);
  datagrams.forEach((d, i) => {
    const ip = Buffer.alloc(28);
    const total = 28 + d.payload.length;
    ip[0] = 0x45;
    ip.writeUInt16BE(total, 2);
    ip.writeUInt16BE(i & 0xffff, 4);
    ip[8] = 64;
    ip[9] = 17;
    ip.writeUInt32BE(0x7f000001, 12);
    ip.writeUInt32BE(0x7f000001, 16);
    ip.writeUInt16BE(d.srcPort, 20);
    ip.writeUInt16BE(d.dstPort, 22);
    ip.writeUInt16BE(8 + d.payload.length, 24);
    const rh = Buffer.alloc(16);
    rh.writeUInt32LE(Math.floor(d.tsMs / 1000), 0);
    rh.writeUInt32LE((d.tsMs % 1000) * 1000, 4);
    rh.writeUInt32LE(total, 8);
    rh.writeUInt32LE(total, 12);
    parts.push(rh, ip, d.payload);
  });
  return Buffer.concat(parts);
}
