import { CaptureFormatError, type CaptureReadStats, type FrameSink } from './frame.js';
import { CarryBuffer } from './carry.js';
import { Warnings, type ParserContext, type RecordParser } from './parser.js';
import { isPcapMagic, PcapParser } from './pcap.js';
import { isPcapngMagic, PcapngParser } from './pcapng.js';

export { openCaptureFile } from './file.js';

export interface ReadHooks {
  /** Called, and awaited, after each input chunk is processed: backpressure and progress. */
  afterChunk?: (bytesRead: number) => void | Promise<void>;
}

const MAGIC_LEN = 4;

/**
 * Streams a pcap or pcapng capture from chunks of any size (a whole file, 4 MiB reads, or single
 * bytes from a live pipe) into the sink. Frames are views into either the current chunk or the carry
 * buffer, valid only during the sink call.
 *
 * Throws CaptureFormatError when the input is not a capture at all; damage later in the file ends
 * the read with a warning in the returned stats instead.
 */
export async function readCapture(
  chunks: AsyncIterable<Buffer>,
  sink: FrameSink,
  hooks?: ReadHooks,
): Promise<CaptureReadStats> {
  const state = new StreamState({ sink, warnings: new Warnings() });
  const afterChunk = hooks?.afterChunk;
  for await (const chunk of chunks) {
    state.feed(chunk);
    if (afterChunk !== undefined) {
      const r = afterChunk(state.bytesRead);
      if (r !== undefined) await r;
    }
    if (state.parser?.stopped) break; // leaving the loop closes the source
  }
  return state.finish();
}

/** Everything the reader keeps between chunks. */
class StreamState {
  parser: RecordParser | null = null;
  format: 'pcap' | 'pcapng' = 'pcap';
  bytesRead = 0;
  private readonly carry = new CarryBuffer();
  /** Input bytes still to be skipped (the rest of a block we do not read). */
  private skip = 0;

  constructor(private readonly ctx: ParserContext) {}

  feed(chunk: Buffer): void {
    const len = chunk.length;
    this.bytesRead += len;
    let pos = this.skipAhead(0, len);
    if (pos === len) return;
    let parser = this.parser;
    const carry = this.carry;
    if (parser === null) {
      const take = Math.min(MAGIC_LEN - carry.len, len - pos);
      carry.append(chunk, pos, take);
      pos += take;
      if (carry.len < MAGIC_LEN) return;
      parser = this.parser = this.detect(carry.buf);
    }
    if (parser.stopped) return;
    // Complete the straddling record first, copying only as many bytes as it needs.
    while (carry.len > 0) {
      const take = Math.min(parser.need - carry.len, len - pos);
      carry.append(chunk, pos, take);
      pos += take;
      if (carry.len < parser.need) return;
      const used = parser.parse(carry.buf, 0, carry.len);
      if (parser.stopped) return;
      if (used >= carry.len) {
        this.skip = used - carry.len;
        carry.len = 0;
        pos = this.skipAhead(pos, len);
      } else if (used > 0) {
        carry.consume(used);
      } else if (parser.need <= carry.len) {
        throw new Error('capture reader made no progress (internal error)');
      }
    }
    if (pos >= len) return;
    const stop = parser.parse(chunk, pos, len);
    if (parser.stopped) return;
    if (stop > len) this.skip = stop - len;
    else if (stop < len) carry.append(chunk, stop, len - stop);
  }

  private skipAhead(pos: number, len: number): number {
    if (this.skip === 0) return pos;
    const s = Math.min(this.skip, len - pos);
    this.skip -= s;
    return pos + s;
  }

  private detect(head: Buffer): RecordParser {
    if (isPcapMagic(head, 0)) {
      this.format = 'pcap';
      return new PcapParser(this.ctx);
    }
    if (isPcapngMagic(head, 0)) {
      this.format = 'pcapng';
      return new PcapngParser(this.ctx);
    }
    throw new CaptureFormatError(`not a pcap or pcapng capture (${describeMagic(head)})`);
  }

  finish(): CaptureReadStats {
    const parser = this.parser;
    if (parser === null) {
      throw new CaptureFormatError(
        this.bytesRead === 0 ? 'empty input, not a capture file' : `input too short for a capture file (${this.bytesRead} bytes)`,
      );
    }
    if (!parser.stopped) {
      if (!parser.started) throw new CaptureFormatError(`truncated ${this.format} file header`);
      if (this.carry.len > 0)
        this.ctx.warnings.add(`truncated record at end of input (${this.carry.len} of ${parser.need} bytes)`);
      else if (this.skip > 0) this.ctx.warnings.add(`truncated block at end of input (${this.skip} bytes missing)`);
    }
    return { format: this.format, frames: parser.frames, bytesRead: this.bytesRead, warnings: this.ctx.warnings.list };
  }
}

function describeMagic(head: Buffer): string {
  if (head[0] === 0x1f && head[1] === 0x8b) return 'gzip-compressed: decompress it first';
  return `unknown magic number 0x${head.toString('hex', 0, MAGIC_LEN)}`;
}
