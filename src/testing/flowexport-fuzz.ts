/**
 * Test helper: fuzzing an ExportDecoder with random datagrams (fast-check) and with mutations of real
 * ones (bit flips, truncations, splices). Every emitted flow must still be well formed.
 */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { ExportDecoder, ExportedFlow } from '../flowexport/model.js';

export function checkFlow(f: ExportedFlow): void {
  assert.ok(typeof f.src === 'string' && f.src.length > 0 && typeof f.dst === 'string' && f.dst.length > 0);
  for (const n of [f.srcPort, f.dstPort]) assert.ok(Number.isInteger(n) && n >= 0 && n <= 65535);
  assert.ok(Number.isInteger(f.proto) && f.proto >= 0 && f.proto <= 255);
  for (const n of [f.bytes, f.packets, f.reverseBytes, f.reversePackets, f.samplingRate]) assert.ok(Number.isFinite(n) && n >= 0, `counter ${n}`);
  assert.ok(Number.isFinite(f.firstSeen) && Number.isFinite(f.lastSeen));
  assert.ok(f.ipVersion === 4 || f.ipVersion === 6);
}

/** Decode every datagram; throws only if the decoder throws or emits a malformed flow. */
export function feed(dec: ExportDecoder, datagrams: readonly Buffer[]): number {
  let n = 0;
  for (const d of datagrams) {
    dec.decode(d, '192.0.2.1', 1_700_000_000_000, (f) => {
      checkFlow(f);
      n++;
    });
  }
  return n;
}

/** Mutations of one datagram: every truncation point, bit flips, and splices with another datagram. */
export function mutations(d: Buffer, other: Buffer, seed: number): Buffer[] {
  const out: Buffer[] = [];
  for (let n = 0; n < d.length; n += Math.max(1, d.length >> 6)) out.push(d.subarray(0, n));
  let s = seed >>> 0 || 1;
  const rnd = () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 4294967296;
  };
  for (let i = 0; i < 64; i++) {
    const m = Buffer.from(d);
    const flips = 1 + Math.floor(rnd() * 4);
    for (let k = 0; k < flips; k++) m[Math.floor(rnd() * m.length)] ^= 1 << Math.floor(rnd() * 8);
    out.push(m);
  }
  for (let i = 0; i < 8; i++) {
    const a = Math.floor(rnd() * d.length);
    const b = Math.floor(rnd() * other.length);
    out.push(Buffer.concat([d.subarray(0, a), other.subarray(b)]));
  }
  // Length fields set to the extremes: every aligned 16-bit word to 0 and 0xffff.
  for (let p = 0; p + 2 <= Math.min(d.length, 256); p += 2) {
    for (const v of [0, 0xffff]) {
      const m = Buffer.from(d);
      m.writeUInt16BE(v, p);
      out.push(m);
    }
  }
  return out;
}

/** Random datagrams, some starting with the given version prefixes so that they get past the first check. */
export function randomDatagrams(prefixes: readonly Buffer[]): fc.Arbitrary<Buffer> {
  return fc.tuple(fc.nat(prefixes.length), fc.uint8Array({ maxLength: 600 })).map(([i, bytes]) =>
    i < prefixes.length ? Buffer.concat([prefixes[i], Buffer.from(bytes)]) : Buffer.from(bytes));
}
