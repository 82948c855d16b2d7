import { formatAddr } from '../../util/ip.js';

/** Dotted-quad text of an unsigned 32-bit IPv4 address. */
export function v4Text(a: number): string {
  return `${a >>> 24}.${(a >>> 16) & 255}.${(a >>> 8) & 255}.${a & 255}`;
}

const words = new Uint32Array(4);

/** RFC 5952 text of the 16-byte IPv6 address at buf[off]; IPv4-mapped addresses come out as dotted quads. */
export function v6Text(buf: Buffer, off: number): string {
  words[0] = buf.readUInt32BE(off);
  words[1] = buf.readUInt32BE(off + 4);
  words[2] = buf.readUInt32BE(off + 8);
  words[3] = buf.readUInt32BE(off + 12);
  return formatAddr(words);
}
