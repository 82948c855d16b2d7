import { CaptureFormatError } from './frame.js';
import { MAX_BLOCK, MAX_CAPLEN, type ParserContext, type RecordParser } from './parser.js';

export const BT_SHB = 0x0a0d0d0a;
export const BT_IDB = 1;
export const BT_OPB = 2;
export const BT_SPB = 3;
export const BT_EPB = 6;
const BYTE_ORDER_MAGIC = 0x1a2b3c4d;
/** Block type + total length + one more word: enough to read an SHB's byte-order magic. */
const BLOCK_PEEK = 12;
const TWO_32 = 4294967296;

/** Returns true when the first four bytes are a pcapng section header block type. */
export function isPcapngMagic(buf: Buffer, off: number): boolean {
  return buf.readUInt32LE(off) === BT_SHB;
}

/** One interface of the current section: link type, snaplen and timestamp conversion. */
class Iface {
  /** Exact 64-bit tick → ms divisor (10^(n-3), n in 3..9), or 0 when `scale` is used instead. */
  div = 1000;
  /** ms per tick for resolutions the exact path does not cover (binary, or finer than ns). */
  scale = 0;
  offsetMs = 0;
  constructor(
    readonly linkType: number,
    readonly snaplen: number,
  ) {}

  /** The timestamp resolution option: bit 7 clear = 10^-n s, set = 2^-n s. */
  setResolution(v: number): void {
    const n = v & 0x7f;
    if (v & 0x80) {
      this.div = 0;
      this.scale = 1000 / Math.pow(2, n);
    } else if (n >= 3 && n <= 9) {
      this.div = Math.pow(10, n - 3);
      this.scale = 0;
    } else {
      this.div = 0;
      this.scale = Math.pow(10, 3 - n);
    }
  }

  toMs(hi: number, lo: number): number {
    const d = this.div;
    if (d !== 0) {
      // (hi·2^32 + lo) / d without losing precision: split hi so every product stays below 2^53.
      const qh = Math.floor(hi / d);
      const rh = hi - qh * d;
      return qh * TWO_32 + Math.floor((rh * TWO_32 + lo) / d) + this.offsetMs;
    }
    return Math.floor((hi * TWO_32 + lo) * this.scale) + this.offsetMs;
  }
}

/** pcapng: blocks of (type, total length, body, total length); sections start with an SHB. */
export class PcapngParser implements RecordParser {
  need = BLOCK_PEEK;
  stopped = false;
  frames = 0;

  get started(): boolean {
    return this.seenShb;
  }
  private le = true;
  private seenShb = false;
  private ifaces: Iface[] = [];

  constructor(private readonly ctx: ParserContext) {}

  /** View of the buffer being parsed (DataView reads are much faster than Buffer's on Node 20). */
  private dv: DataView<ArrayBufferLike> = new DataView(new ArrayBuffer(0));

  private u32(o: number): number {
    return this.dv.getUint32(o, this.le);
  }

  private u16(o: number): number {
    return this.dv.getUint16(o, this.le);
  }

  private stop(msg: string): void {
    this.ctx.warnings.add(msg);
    this.stopped = true;
  }

  parse(buf: Buffer, off: number, end: number): number {
    this.dv = new DataView(buf.buffer, buf.byteOffset, buf.length);
    while (!this.stopped) {
      const avail = end - off;
      if (avail < BLOCK_PEEK) {
        this.need = BLOCK_PEEK;
        return off;
      }
      let type = this.u32(off);
      if (type === BT_SHB || !this.seenShb) {
        // The SHB type reads the same in both byte orders; its own byte-order magic sets the section's.
        if (this.dv.getUint32(off + 8, true) === BYTE_ORDER_MAGIC) this.le = true;
        else if (this.dv.getUint32(off + 8, false) === BYTE_ORDER_MAGIC) this.le = false;
        else if (!this.seenShb) throw new CaptureFormatError('not a pcapng file (bad byte-order magic)');
        else {
          this.stop('bad byte-order magic in section header block, stopping');
          break;
        }
        type = BT_SHB;
      }
      const len = this.u32(off + 4);
      if (len < 12 || (len & 3) !== 0) {
        if (!this.seenShb) throw new CaptureFormatError(`not a pcapng file (bad section header length ${len})`);
        this.stop(`bad block length ${len}, stopping`);
        break;
      }
      if (type !== BT_EPB && type !== BT_SPB && type !== BT_OPB && type !== BT_IDB && type !== BT_SHB) {
        // Name resolution, statistics, secrets, custom ...: skipped by length, never buffered.
        off += len;
        if (off > end) return off;
        continue;
      }
      if (len > MAX_BLOCK) {
        this.stop(`record length ${len} exceeds limit ${MAX_BLOCK}, stopping`);
        break;
      }
      if (avail < len) {
        this.need = len;
        return off;
      }
      if (type === BT_EPB) this.packet(buf, off, len, this.u32(off + 8), 28);
      else if (type === BT_SPB) this.simplePacket(buf, off, len);
      else if (type === BT_OPB) this.packet(buf, off, len, this.u16(off + 8), 28);
      else if (type === BT_IDB) this.interface(buf, off, len);
      else this.section(len);
      off += len;
    }
    return off;
  }

  /** EPB and OPB share a layout after the interface field: ts high, ts low, caplen, origlen, data. */
  private packet(buf: Buffer, off: number, len: number, ifId: number, dataOff: number): void {
    if (len < dataOff + 4) {
      this.ctx.warnings.add('malformed packet block skipped');
      return;
    }
    const iface = this.ifaces[ifId];
    if (iface === undefined) {
      this.ctx.warnings.add(`packet for undeclared interface ${ifId} skipped`);
      return;
    }
    const cap = this.u32(off + 20);
    const orig = this.u32(off + 24);
    if (cap > MAX_CAPLEN) {
      this.stop(`record length ${cap} exceeds limit ${MAX_CAPLEN}, stopping`);
      return;
    }
    if (cap > len - dataOff - 4) {
      this.ctx.warnings.add('packet block with captured length beyond its block skipped');
      return;
    }
    const ts = iface.toMs(this.u32(off + 12), this.u32(off + 16));
    this.ctx.sink.frame(iface.linkType, buf, off + dataOff, cap, orig < cap ? cap : orig, ts);
    this.frames++;
  }

  /** SPB: interface 0, no timestamp (we use 0), captured length implied by the block and snaplen. */
  private simplePacket(buf: Buffer, off: number, len: number): void {
    const iface = this.ifaces[0];
    if (iface === undefined || len < 16) {
      this.ctx.warnings.add('simple packet block without interface skipped');
      return;
    }
    const orig = this.u32(off + 8);
    let cap = len - 16; // includes padding: trimmed by orig below
    if (orig < cap) cap = orig;
    if (iface.snaplen > 0 && iface.snaplen < cap) cap = iface.snaplen;
    if (cap > MAX_CAPLEN) {
      this.stop(`record length ${cap} exceeds limit ${MAX_CAPLEN}, stopping`);
      return;
    }
    this.ctx.sink.frame(iface.linkType, buf, off + 12, cap, orig < cap ? cap : orig, 0);
    this.frames++;
  }

  private interface(buf: Buffer, off: number, len: number): void {
    if (len < 20) {
      this.ctx.warnings.add('malformed interface description block');
      this.ifaces.push(new Iface(0xffff, 0)); // keeps interface numbering; its packets decode as unsupported
      return;
    }
    const iface = new Iface(this.u16(off + 8), this.u32(off + 12));
    const end = off + len - 4;
    let o = off + 16;
    while (o + 4 <= end) {
      const code = this.u16(o);
      const olen = this.u16(o + 2);
      const v = o + 4;
      if (code === 0 || v + olen > end) break;
      if (code === 9 && olen >= 1) iface.setResolution(buf[v]);
      else if (code === 14 && olen >= 8) {
        const secs = this.le ? buf.readBigInt64LE(v) : buf.readBigInt64BE(v);
        iface.offsetMs = Number(secs) * 1000;
      }
      o = v + ((olen + 3) & ~3);
    }
    this.ifaces.push(iface);
  }

  /** A new section: its interfaces replace the previous section's. */
  private section(len: number): void {
    if (len < 28) {
      if (!this.seenShb) throw new CaptureFormatError('not a pcapng file (section header block too short)');
      this.ctx.warnings.add('malformed section header block');
    }
    this.seenShb = true;
    this.ifaces = [];
  }
}
