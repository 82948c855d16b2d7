import { formatAddr } from '../../../util/ip.js';

// Flows repeat the same hosts: a small direct-mapped cache of dotted quads saves building (and
// collecting) two strings per record.
const CACHE_BITS = 12;
const cacheKeys = new Float64Array(1 << CACHE_BITS).fill(-1);
const cacheText: string[] = new Array<string>(1 << CACHE_BITS).fill('');

/** Dotted-quad text of an unsigned 32-bit IPv4 address. */
export function v4Text(a: number): string {
  const i = (a ^ (a >>> 12) ^ (a >>> 24)) & ((1 << CACHE_BITS) - 1);
  if (cacheKeys[i] === a) return cacheText[i];
  const t = `${a >>> 24}.${(a >>> 16) & 255}.${(a >>> 8) & 255}.${a & 255}`;
  cacheKeys[i] = a;
  cacheText[i] = t;
  return t;
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

/** Text of an address held as PacketInfo words (IPv4 as ::ffff:a.b.c.d). */
export function wordsText(w: Int32Array): string {
  return w[0] === 0 && w[1] === 0 && w[2] === 0xffff ? v4Text(w[3] >>> 0) : formatAddr(w);
}
