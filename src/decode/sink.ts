import type { FrameSink } from '../sources/pcap/frame.js';
import { Decoded, newSkipCounters, PacketInfo, SkipReason } from './packet.js';
import { PacketDecoder } from './decoder.js';

/**
 * Glue between a capture reader and a packet consumer (the flow table): decodes each frame, counts
 * skips by reason, and hands decoded packets — and released unmatched fragments — to onPacket.
 * The PacketInfo passed to onPacket is reused: read it during the call only.
 */
export class DecodingSink implements FrameSink {
  readonly info = new PacketInfo();
  /**
   * Frames not counted, index = SkipReason code (index 0 unused). Held fragments are not here (they
   * are counted later, see `held`); fragments lost from a full release queue are FRAGMENT_UNMATCHED.
   */
  readonly skips = newSkipCounters();
  decoded = 0;
  /** Later fragments held for their first fragment; credited via heldBytes/heldPackets or drained. */
  held = 0;
  /** Unmatched held fragments handed over port-less (timeout, table full, or end of input). */
  drained = 0;
  private readonly emit: () => void;

  constructor(
    /**
     * Gets each decoded packet and, for packets decoded from a frame, that frame's buffer (what
     * info.payloadStart/End index, for the name peeks); released fragments come without one.
     */
    private readonly onPacket: (info: PacketInfo, buf?: Buffer) => void,
    readonly decoder: PacketDecoder = new PacketDecoder(),
  ) {
    this.emit = () => this.onPacket(this.info);
  }

  frame(linkType: number, buf: Buffer, off: number, capLen: number, origLen: number, tsMs: number): void {
    const info = this.info;
    info.tsMs = tsMs;
    const r = this.decoder.decode(linkType, buf, off, capLen, origLen, info);
    if (r === Decoded) {
      this.decoded++;
      this.onPacket(info, buf);
    } else if (r === SkipReason.FRAGMENT_HELD) this.held++;
    else this.skips[r]++;
    if (this.decoder.hasReleasedFragments) this.drained += this.decoder.drainHeld(info, this.emit, true);
  }

  /** End of input: every fragment still held is handed over. */
  finish(): void {
    this.drained += this.decoder.drainHeld(this.info, this.emit);
    this.skips[SkipReason.FRAGMENT_UNMATCHED] = this.decoder.droppedFragments;
  }
}
