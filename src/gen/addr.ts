/**
 * Address helpers for the generator, on top of the project's one address parser and printer
 * (util/ip.ts). The truth they produce is still checked independently: lab.test.ts compares it
 * with tshark's own printing of the generated captures.
 */
import { formatAddr, isMappedV4, parseIp } from '../util/ip.js';

function wordsToBytes(w: Uint32Array, from: number): Buffer {
  const out = Buffer.alloc((4 - from) * 4);
  for (let k = from; k < 4; k++) out.writeUInt32BE(w[k], (k - from) * 4);
  return out;
}

export function ipv4Bytes(text: string): Buffer {
  const w = parseIp(text, 'lab address');
  if (!isMappedV4(w)) throw new Error(`not an IPv4 address: ${text}`);
  return wordsToBytes(w, 3);
}

export function ipv6Bytes(text: string): Buffer {
  return wordsToBytes(parseIp(text, 'lab address'), 0);
}

/** Canonical text: dotted quad for 4 bytes, RFC 5952 for 16. */
export function addrText(b: Buffer): string {
  const w = new Uint32Array(4);
  if (b.length === 4) {
    w[2] = 0xffff;
    w[3] = b.readUInt32BE(0);
  } else {
    for (let k = 0; k < 4; k++) w[k] = b.readUInt32BE(k * 4);
  }
  return formatAddr(w);
}
