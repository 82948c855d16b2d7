/** Builders for pcap / pcapng test files, and a sink that records frames (test-only helper). */
import type { FrameSink } from '../sources/pcap/frame.js';

export interface Rec {
  sec: number;
  frac: number;
  data: Buffer;
  orig?: number;
}

export interface PcapOpts {
  le?: boolean;
  nano?: boolean;
  linkType?: number;
  snaplen?: number;
}

export function pcapFile(o: PcapOpts, recs: Rec[]): Buffer {
  const le = o.le ?? true;
  const w32 = (b: Buffer, v: number, at: number) => (le ? b.writeUInt32LE(v >>> 0, at) : b.writeUInt32BE(v >>> 0, at));
  const h = Buffer.alloc(24);
  w32(h, o.nano ? 0xa1b23c4d : 0xa1b2c3d4, 0);
  if (le) {
    h.writeUInt16LE(2, 4);
    h.writeUInt16LE(4, 6);
  } else {
    h.writeUInt16BE(2, 4);
    h.writeUInt16BE(4, 6);
  }
  w32(h, o.snaplen ?? 65535, 16);
  w32(h, o.linkType ?? 1, 20);
  const parts: Buffer[] = [h];
  for (const r of recs) {
    const rh = Buffer.alloc(16);
    w32(rh, r.sec, 0);
    w32(rh, r.frac, 4);
    w32(rh, r.data.length, 8);
    w32(rh, r.orig ?? r.data.length, 12);
    parts.push(rh, r.data);
  }
  return Buffer.concat(parts);
}

/** pcapng block writer for one byte order. */
export class Ng {
  constructor(readonly le = true) {}

  private w32(b: Buffer, v: number, at: number): void {
    if (this.le) b.writeUInt32LE(v >>> 0, at);
    else b.writeUInt32BE(v >>> 0, at);
  }

  private w16(b: Buffer, v: number, at: number): void {
    if (this.le) b.writeUInt16LE(v, at);
    else b.writeUInt16BE(v, at);
  }

  block(type: number, body: Buffer): Buffer {
    const padded = Buffer.alloc((body.length + 3) & ~3);
    body.copy(padded);
    const len = 12 + padded.length;
    const b = Buffer.alloc(len);
    this.w32(b, type, 0);
    this.w32(b, len, 4);
    padded.copy(b, 8);
    this.w32(b, len, len - 4);
    return b;
  }

  option(code: number, value: Buffer): Buffer {
    const b = Buffer.alloc(4 + ((value.length + 3) & ~3));
    this.w16(b, code, 0);
    this.w16(b, value.length, 2);
    value.copy(b, 4);
    return b;
  }

  shb(): Buffer {
    const body = Buffer.alloc(16);
    this.w32(body, 0x1a2b3c4d, 0);
    this.w16(body, 1, 4);
    body.writeInt32LE(-1, 8);
    body.writeInt32LE(-1, 12);
    return this.block(0x0a0d0d0a, body);
  }

  idb(linkType: number, snaplen = 0, opts: { tsresol?: number; tsoffset?: bigint } = {}): Buffer {
    const h = Buffer.alloc(8);
    this.w16(h, linkType, 0);
    this.w32(h, snaplen, 4);
    const parts: Buffer[] = [h];
    if (opts.tsresol !== undefined) parts.push(this.option(9, Buffer.from([opts.tsresol])));
    if (opts.tsoffset !== undefined) {
      const v = Buffer.alloc(8);
      if (this.le) v.writeBigInt64LE(opts.tsoffset);
      else v.writeBigInt64BE(opts.tsoffset);
      parts.push(this.option(14, v));
    }
    if (parts.length > 1) parts.push(Buffer.alloc(4)); // opt_endofopt
    return this.block(1, Buffer.concat(parts));
  }

  epb(ifId: number, ticks: bigint, data: Buffer, orig = data.length, withOption = false): Buffer {
    const h = Buffer.alloc(20);
    this.w32(h, ifId, 0);
    this.w32(h, Number(ticks >> 32n), 4);
    this.w32(h, Number(ticks & 0xffffffffn), 8);
    this.w32(h, data.length, 12);
    this.w32(h, orig, 16);
    const pad = Buffer.alloc((4 - (data.length & 3)) & 3);
    const opts = withOption ? Buffer.concat([this.option(1, Buffer.from('a comment')), Buffer.alloc(4)]) : Buffer.alloc(0);
    return this.block(6, Buffer.concat([h, data, pad, opts]));
  }

  opb(ifId: number, ticks: bigint, data: Buffer, orig = data.length): Buffer {
    const h = Buffer.alloc(20);
    this.w16(h, ifId, 0);
    this.w16(h, 0, 2);
    this.w32(h, Number(ticks >> 32n), 4);
    this.w32(h, Number(ticks & 0xffffffffn), 8);
    this.w32(h, data.length, 12);
    this.w32(h, orig, 16);
    return this.block(2, Buffer.concat([h, data]));
  }

  spb(data: Buffer, orig = data.length): Buffer {
    const h = Buffer.alloc(4);
    this.w32(h, orig, 0);
    return this.block(3, Buffer.concat([h, data]));
  }
}

export interface SeenFrame {
  linkType: number;
  data: string;
  capLen: number;
  origLen: number;
  tsMs: number;
}

export class CollectSink implements FrameSink {
  readonly frames: SeenFrame[] = [];
  frame(linkType: number, buf: Buffer, off: number, capLen: number, origLen: number, tsMs: number): void {
    this.frames.push({ linkType, data: buf.toString('hex', off, off + capLen), capLen, origLen, tsMs });
  }
}

export async function* chunked(b: Buffer, size: number): AsyncGenerator<Buffer> {
  for (let o = 0; o < b.length; o += size) yield b.subarray(o, Math.min(b.length, o + size));
}

/** Yields chunks of varying sizes from a list, cycling. */
export async function* chunkedBy(b: Buffer, sizes: number[]): AsyncGenerator<Buffer> {
  let i = 0;
  for (let o = 0; o < b.length; ) {
    const n = Math.max(1, sizes[i++ % sizes.length]);
    yield b.subarray(o, Math.min(b.length, o + n));
    o += n;
  }
}
