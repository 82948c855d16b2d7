import type { FrameSink } from './frame.js';

/** Largest frame we accept from any capture record (libpcap's own ceiling for most link types). */
export const MAX_CAPLEN = 256 * 1024;
/** Largest pcapng block we are willing to buffer; bigger non-packet blocks are skipped unbuffered. */
export const MAX_BLOCK = 16 * 1024 * 1024;
/** At most this many distinct warnings are kept, so a hostile file cannot grow the list without bound. */
const MAX_WARNINGS = 20;

/**
 * One format's record parser, driven by the streaming reader. The reader hands it a byte range;
 * the parser consumes every complete record in it and stops at the first incomplete one.
 */
export interface RecordParser {
  /**
   * After parse() returned offset `o` < end: how many bytes, counted from `o`, the next record
   * needs before parse() can make progress. Always greater than end - o.
   */
  need: number;
  /** Set when the parser gave up on the input (a warning says why); the reader stops feeding it. */
  stopped: boolean;
  /** True once the file header (pcap) or first section header (pcapng) has been read. */
  readonly started: boolean;
  /** Frames delivered to the sink so far. */
  frames: number;
  /**
   * Consume records in buf[off, end). Returns the offset after the last consumed byte. A result
   * greater than `end` means "also skip this many bytes of the input that follow" (unbuffered skip
   * of a large block we do not read).
   */
  parse(buf: Buffer, off: number, end: number): number;
}

/** Warning list with de-duplication and a cap. */
export class Warnings {
  readonly list: string[] = [];
  private dropped = 0;

  add(msg: string): void {
    if (this.list.includes(msg)) return;
    if (this.list.length < MAX_WARNINGS) this.list.push(msg);
    else if (this.dropped++ === 0) this.list.push('more warnings omitted');
  }
}

export interface ParserContext {
  sink: FrameSink;
  warnings: Warnings;
}
