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
