/**
 * Buffered classic-pcap / pcapng writer for generated captures (tests, benchmark, demo).
 *
 * Records are packed into large chunks (default 4 MiB) and each full chunk is handed to a callback,
 * so multi-million-packet files cost one write per chunk, not one per packet. Every chunk handed out
 * is a fresh Buffer that the writer never touches again (safe to queue or yield asynchronously).
 */
import { closeSync, openSync, writeSync } from 'node:fs';

/** pcap LINKTYPE_* values the generator can produce. */
export const LINKTYPE = {
  NULL: 0,
  ETHERNET: 1,
  RAW: 101,
  LINUX_SLL: 113,
  LINUX_SLL2: 276,
} as const;

export type CaptureFormat = 'pcap' | 'pcapng';
export type TsPrecision = 'us' | 'ns';

export interface CaptureInterface {
  linkType: number;
  /** Frames longer than this are truncated in the file (the original length is kept). Default 262144. */
  snaplen?: number;
}

export interface CaptureWriterOptions {
  format: CaptureFormat;
  /** Classic pcap takes exactly one; pcapng writes one IDB per entry (interface id = index). */
  interfaces: CaptureInterface[];
  /** Timestamp resolution. Default 'us'. */
  precision?: TsPrecision;
  /** Byte order of headers. Default little-endian. */
  bigEndian?: boolean;
  /** Size of the chunks handed to the sink. Default 4 MiB. */
  chunkSize?: number;
  /** The sink consumes each chunk before returning (e.g. a sync file write): reuse one buffer. */
  reuseBuffer?: boolean;
}

const DEFAULT_SNAPLEN = 262144;

/** Throws for options no file can hold. */
export function checkWriterOptions(opts: CaptureWriterOptions): void {
  if (opts.interfaces.length === 0) throw new Error('CaptureWriter: at least one interface is needed');
  if (opts.format === 'pcap' && opts.interfaces.length !== 1) {
    throw new Error('CaptureWriter: classic pcap holds exactly one link type; use pcapng for several');
  }
}
const TWO32 = 4294967296;

export class CaptureWriter {
  private buf: Buffer;
  private pos = 0;
  private readonly le: boolean;
  private readonly ng: boolean;
  private readonly ns: boolean;
  private readonly snaplens: number[];
  private readonly chunkSize: number;
  private readonly reuse: boolean;
  /** Frames written so far. */
  packets = 0;
  /** File bytes produced so far (including the part not yet flushed). */
  bytes = 0;

  constructor(
    opts: CaptureWriterOptions,
    private readonly sink: (chunk: Buffer) => void,
  ) {
    checkWriterOptions(opts);
    this.le = !opts.bigEndian;
    this.ng = opts.format === 'pcapng';
    this.ns = opts.precision === 'ns';
    this.snaplens = opts.interfaces.map((i) => i.snaplen ?? DEFAULT_SNAPLEN);
    this.chunkSize = opts.chunkSize ?? 4 << 20;
    this.reuse = opts.reuseBuffer === true;
    this.buf = Buffer.allocUnsafe(this.chunkSize);
    if (this.ng) this.pcapngHeaders(opts.interfaces);
    else this.pcapHeader(opts.interfaces[0]);
  }

  private u16(v: number): void {
    if (this.le) this.buf.writeUInt16LE(v, this.pos);
    else this.buf.writeUInt16BE(v, this.pos);
    this.pos += 2;
  }

  private u32(v: number): void {
    if (this.le) this.buf.writeUInt32LE(v >>> 0, this.pos);
    else this.buf.writeUInt32BE(v >>> 0, this.pos);
    this.pos += 4;
  }

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    this.flush();
    if (n > this.buf.length) this.buf = Buffer.allocUnsafe(Math.max(n, this.chunkSize));
  }

  private pcapHeader(itf: CaptureInterface): void {
    this.ensure(24);
    this.u32(this.ns ? 0xa1b23c4d : 0xa1b2c3d4);
    this.u16(2);
    this.u16(4);
    this.u32(0); // thiszone
    this.u32(0); // sigfigs
    this.u32(itf.snaplen ?? DEFAULT_SNAPLEN);
    this.u32(itf.linkType);
    this.bytes += 24;
  }

  private pcapngHeaders(itfs: CaptureInterface[]): void {
    const start = this.pos;
    this.ensure(28 + 32 * itfs.length);
    // Section header block: unknown section length (-1).
    this.u32(0x0a0d0d0a);
    this.u32(28);
    this.u32(0x1a2b3c4d);
    this.u16(1);
    this.u16(0);
    this.u32(0xffffffff);
    this.u32(0xffffffff);
    this.u32(28);
    for (const itf of itfs) {
      // Interface description block with if_tsresol (code 9) and opt_endofopt.
      this.u32(1);
      this.u32(32);
      this.u16(itf.linkType);
      this.u16(0);
      this.u32(itf.snaplen ?? DEFAULT_SNAPLEN);
      this.u16(9);
      this.u16(1);
      this.buf[this.pos] = this.ns ? 9 : 6;
      this.buf.fill(0, this.pos + 1, this.pos + 4);
      this.pos += 4;
      this.u32(0); // opt_endofopt
      this.u32(32);
    }
    this.bytes += this.pos - start;
  }

  /** The buffer frames are built into between begin() and commit(). */
  get buffer(): Buffer {
    return this.buf;
  }

  /**
   * Zero-copy path: reserve room for a frame of up to `maxBytes` and return the offset in `buffer`
   * where its bytes go; build the frame there, then commit(). Nothing else may be written between.
   */
  begin(maxBytes: number): number {
    this.ensure(32 + maxBytes + 8);
    return this.pos + (this.ng ? 28 : 16);
  }

  /** Finish the frame started by begin(): `avail` bytes were built, `origLen` is the wire length. */
  commit(avail: number, origLen: number, sec: number, nsec: number, ifIndex = 0): void {
    const snap = this.snaplens[ifIndex];
    if (snap === undefined) throw new Error(`CaptureWriter: no interface ${ifIndex}`);
    let cap = origLen < snap ? origLen : snap;
    if (avail < cap) cap = avail;
    const buf = this.buf;
    const at = this.pos;
    if (this.ng) {
      const padded = (cap + 3) & ~3;
      const total = 32 + padded;
      let hi: number;
      let lo: number;
      if (this.ns) {
        // sec * 1e9 + nsec exceeds 2^53: split so every step stays exact.
        const a = Math.floor(sec / 65536) * 1e9;
        const b = (sec % 65536) * 1e9 + nsec;
        const al = a % 65536;
        const c = al * 65536 + b;
        hi = (a - al) / 65536 + Math.floor(c / TWO32);
        lo = c % TWO32;
      } else {
        const t = sec * 1e6 + Math.floor(nsec / 1000);
        hi = Math.floor(t / TWO32);
        lo = t - hi * TWO32;
      }
      this.u32(6);
      this.u32(total);
      this.u32(ifIndex);
      this.u32(hi);
      this.u32(lo);
      this.u32(cap);
      this.u32(origLen);
      this.pos += cap;
      for (let i = cap; i < padded; i++) buf[this.pos++] = 0;
      this.u32(total);
      this.bytes += total;
    } else {
      const frac = this.ns ? nsec : Math.floor(nsec / 1000);
      if (this.le) {
        buf.writeUInt32LE(sec, at);
        buf.writeUInt32LE(frac, at + 4);
        buf.writeUInt32LE(cap, at + 8);
        buf.writeUInt32LE(origLen, at + 12);
      } else {
        buf.writeUInt32BE(sec, at);
        buf.writeUInt32BE(frac, at + 4);
        buf.writeUInt32BE(cap, at + 8);
        buf.writeUInt32BE(origLen, at + 12);
      }
      this.pos = at + 16 + cap;
      this.bytes += 16 + cap;
    }
    this.packets++;
  }

  /**
   * Append one frame. `data[off, off + avail)` holds the frame's first bytes (at least
   * min(origLen, snaplen) of them); `origLen` is its length on the wire.
   */
  packet(data: Buffer, off: number, avail: number, origLen: number, sec: number, nsec: number, ifIndex = 0): void {
    const snap = this.snaplens[ifIndex];
    if (snap === undefined) throw new Error(`CaptureWriter: no interface ${ifIndex}`);
    const cap = Math.min(origLen, snap, avail);
    const at = this.begin(cap);
    const out = this.buf;
    if (cap > 256) data.copy(out, at, off, off + cap);
    else for (let i = 0; i < cap; i++) out[at + i] = data[off + i];
    this.commit(cap, origLen, sec, nsec, ifIndex);
  }

  /** Hand out what is buffered (no-op when empty). Call once at the end. */
  flush(): void {
    if (this.pos === 0) return;
    const out = this.buf.subarray(0, this.pos);
    if (!this.reuse) this.buf = Buffer.allocUnsafe(this.chunkSize);
    this.pos = 0;
    this.sink(out);
  }
}

/** A CaptureWriter bound to a file (synchronous chunk writes). */
export class CaptureFileWriter extends CaptureWriter {
  private fd: number | null;

  constructor(path: string, opts: CaptureWriterOptions) {
    checkWriterOptions(opts); // before creating the file
    const fd = openSync(path, 'w');
    super({ ...opts, reuseBuffer: true }, (chunk) => {
      let done = 0;
      while (done < chunk.length) done += writeSync(fd, chunk, done, chunk.length - done);
    });
    this.fd = fd;
  }

  close(): void {
    if (this.fd === null) return;
    this.flush();
    closeSync(this.fd);
    this.fd = null;
  }
}
