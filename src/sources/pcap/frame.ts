/**
 * The contract between capture readers (pcap, pcapng, live tcpdump stream) and whatever consumes
 * link-layer frames (the packet decoder + flow table). Frames are views into the reader's buffer:
 * valid only during the call.
 */
export interface FrameSink {
  /**
   * One captured frame.
   * @param linkType pcap LINKTYPE_* value of the frame's interface
   * @param buf buffer holding the frame bytes at [off, off + capLen)
   * @param origLen length of the frame on the wire (may exceed capLen when a snaplen truncated it)
   * @param tsMs capture time, epoch milliseconds (integer, UTC)
   */
  frame(linkType: number, buf: Buffer, off: number, capLen: number, origLen: number, tsMs: number): void;
}

/** Raised for input that is not a capture file at all (bad magic, unreadable header). */
export class CaptureFormatError extends Error {
  override name = 'CaptureFormatError';
}

/** What a reader reports after a file or stream. */
export interface CaptureReadStats {
  format: 'pcap' | 'pcapng';
  frames: number;
  bytesRead: number;
  /** Problems that ended or skipped part of the input, e.g. "truncated record at end of file". */
  warnings: string[];
}
