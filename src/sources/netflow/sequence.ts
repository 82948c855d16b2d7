import type { ExporterHealth } from '../collector/exported.js';

/** Sequence numbers further back than this (in sequence units) are a restart, not reordering. */
const REORDER_WINDOW = 1 << 16;
/** Forward jumps of more than this many datagrams are a restart (or a new exporter instance), not loss. */
const MAX_GAP_DATAGRAMS = 100_000;

/**
 * Lost-datagram accounting from an exporter's sequence numbers (32-bit, wrapping). What one unit
 * of the sequence is differs: v5 counts flows, v9 export packets, IPFIX data records, sFlow
 * datagrams; `units` is how many units this datagram covers, used to convert a gap in units into
 * datagrams. A late (reordered) datagram gives back the one it was counted as; a jump far back or far
 * forward is taken as an exporter restart and counts nothing.
 */
export class SequenceTracker {
  private expected = -1;
  /** Datagrams counted as lost and not yet given back by late arrivals. */
  private lost = 0;
  /** Running mean of units per datagram (for v5 flows and IPFIX records per datagram). */
  private perDatagram = 0;

  /**
   * Track one datagram with sequence `seq` covering `units` units (-1: unknown, e.g. IPFIX data held
   * for want of its template; the next datagram then resynchronises); updates h.sequenceGaps.
   */
  track(seq: number, units: number, h: ExporterHealth): void {
    if (units > 0) this.perDatagram = this.perDatagram === 0 ? units : this.perDatagram * 0.9 + units * 0.1;
    const per = this.perDatagram >= 1 ? this.perDatagram : 1;
    if (this.expected >= 0 && seq !== this.expected) {
      const ahead = (seq - this.expected) >>> 0;
      if (ahead < 0x80000000) {
        const datagrams = Math.ceil(ahead / per);
        if (datagrams <= MAX_GAP_DATAGRAMS) {
          this.lost += datagrams;
          h.sequenceGaps += datagrams;
        }
      } else {
        const behind = 0x100000000 - ahead;
        if (behind <= REORDER_WINDOW) {
          // Late datagram: it was counted lost; the expected number stays where it is.
          if (this.lost > 0) {
            this.lost--;
            h.sequenceGaps--;
          }
          return;
        }
      }
    }
    this.expected = units < 0 ? -1 : (seq + units) >>> 0;
  }
}
