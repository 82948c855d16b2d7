import { CaptureFormatError } from './frame.js';
import { MAX_CAPLEN, type ParserContext, type RecordParser } from './parser.js';

const MAGIC_US = 0xa1b2c3d4;
const MAGIC_NS = 0xa1b23c4d;
/** Alexey Kuznetzov's "modified pcap": 8 more bytes (ifindex, protocol, pkt_type) per record header. */
const MAGIC_KUZNETZOV = 0xa1b2cd34;

export const PCAP_FILE_HEADER = 24;

/** True when the first four bytes are a classic pcap magic in either byte order. */
export function isPcapMagic(buf: Buffer, off: number): boolean {
  const le = buf.readUInt32LE(off);
  const be = buf.readUInt32BE(off);
  return isMagic(le) || isMagic(be);
}

function isMagic(m: number): boolean {
  return m === MAGIC_US || m === MAGIC_NS || m === MAGIC_KUZNETZOV;
}

/** Classic libpcap format: a 24-byte file header, then (16-byte header + frame) records. */
export class PcapParser implements RecordParser {
  need = PCAP_FILE_HEADER;
  stopped = false;
  frames = 0;

  get started(): boolean {
    return this.haveHeader;
  }
  private haveHeader = false;
  private le = true;
  /** Divisor turning the fractional-second field into milliseconds. */
  private fracPerMs = 1000;
  private recHdr = 16;
  private linkType = 0;
  private capLimit = MAX_CAPLEN;

  constructor(private readonly ctx: ParserContext) {}

  parse(buf: Buffer, off: number, end: number): number {
    if (!this.haveHeader) {
      if (end - off < PCAP_FILE_HEADER) {
        this.need = PCAP_FILE_HEADER;
        return off;
      }
      this.readFileHeader(buf, off);
      off += PCAP_FILE_HEADER;
    }
    return this.records(buf, off, end);
  }

  private readFileHeader(buf: Buffer, off: number): void {
    let magic = buf.readUInt32LE(off);
    this.le = isMagic(magic);
    if (!this.le) {
      magic = buf.readUInt32BE(off);
      if (!isMagic(magic)) throw new CaptureFormatError('not a pcap file (bad magic number)');
    }
    this.fracPerMs = magic === MAGIC_NS ? 1_000_000 : 1000;
    this.recHdr = magic === MAGIC_KUZNETZOV ? 24 : 16;
    const snaplen = this.le ? buf.readUInt32LE(off + 16) : buf.readUInt32BE(off + 16);
    const rawLink = this.le ? buf.readUInt32LE(off + 20) : buf.readUInt32BE(off + 20);
    // Upper bits of the link-type field carry the FCS length and reserved flags (as libpcap's LT_LINKTYPE).
    this.linkType = rawLink & 0x03ffffff;
    // A record may exceed the declared snaplen a little (some writers), but not by a lot.
    this.capLimit = snaplen > 0 && snaplen + 65536 < MAX_CAPLEN ? snaplen + 65536 : MAX_CAPLEN;
    this.haveHeader = true;
  }

  /**
   * The hot loop: no allocation per record, fields read through one DataView per call (Buffer's
   * readUInt32LE is several times slower on Node 20).
   */
  private records(buf: Buffer, off: number, end: number): number {
    const dv = new DataView(buf.buffer, buf.byteOffset, buf.length);
    const sink = this.ctx.sink;
    const lt = this.linkType;
    const le = this.le;
    const hdr = this.recHdr;
    const fracPerMs = this.fracPerMs;
    const capLimit = this.capLimit;
    let frames = this.frames;
    for (;;) {
      if (end - off < hdr) {
        this.need = hdr;
        break;
      }
      const cap = dv.getUint32(off + 8, le);
      if (cap > capLimit) {
        this.ctx.warnings.add(`record length ${cap} exceeds limit ${capLimit}, stopping`);
        this.stopped = true;
        break;
      }
      const total = hdr + cap;
      if (end - off < total) {
        this.need = total;
        break;
      }
      const orig = dv.getUint32(off + 12, le);
      const ts = dv.getUint32(off, le) * 1000 + ((dv.getUint32(off + 4, le) / fracPerMs) | 0);
      sink.frame(lt, buf, off + hdr, cap, orig < cap ? cap : orig, ts);
      frames++;
      off += total;
    }
    this.frames = frames;
    return off;
  }
}
