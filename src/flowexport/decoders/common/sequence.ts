import type { ExporterHealth } from '../../model.js';

/** Sequence numbers further back than this (in sequence units) are a restart, not reordering. */
const REORDER_WINDOW = 1 << 16;
/** Forward jumps of more than this many datagrams are a restart (or a new exporter instance), not loss. */
const MAX_GAP_DATAGRAMS = 100_000;

/**
 * Lost-datagram accounting from an exporter's sequence numbers (32-bit, wrapping). What one unit
 * of the sequence is differs: v5 counts flows, v9 export packets, IPFIX data records, sFlow
 * datagrams; `units` is how many units a datagram covers, used to convert a gap into datagrams.
 *
 * Exporters differ in what they number: the standard is "units sent before this datagram", but some
 * (softflowd's IPFIX) number "units sent including this one", and some leave options records out of
 * the count. Any of these readings counts as in order; a gap is what is missing beyond all of them.
 * A late (reordered) datagram gives back the one it was counted as; a jump far back or far forward is
 * taken as an exporter restart and counts nothing.
 */
export class SequenceTracker {
  private prev = -1;
  private prevUnits = 0;
  private prevData = 0;
  /** Datagrams counted as lost and not yet given back by late arrivals. */
  private lost = 0;
  /** Running mean of units per datagram (v5 flows and IPFIX records per datagram). */
  private perDatagram = 0;

  /**
   * Track one datagram with sequence `seq` covering `units` units, `dataUnits` of them not options
   * records (-1: unknown, e.g. IPFIX data held for want of its template; the next datagram then
   * resynchronises); updates h.sequenceGaps.
   */
  track(seq: number, units: number, h: ExporterHealth, dataUnits = units): void {
    if (units > 0) this.perDatagram = this.perDatagram === 0 ? units : this.perDatagram * 0.9 + units * 0.1;
    const prev = this.prev;
    if (prev >= 0 && units >= 0) {
      const d = (seq - prev) >>> 0;
      const inOrder = d === this.prevUnits || d === this.prevData || d === units || d === dataUnits;
      if (!inOrder) {
        if (d >= 0x80000000) {
          // Behind the previous datagram: late within the window, else a restart.
          if (0x100000000 - d <= REORDER_WINDOW) {
            if (this.lost > 0) {
              this.lost--;
              h.sequenceGaps--;
            }
            return;
          }
        } else {
          const furthest = Math.max(this.prevUnits, units);
          if (d > furthest) {
            const per = this.perDatagram >= 1 ? this.perDatagram : 1;
            const datagrams = Math.ceil((d - furthest) / per);
            if (datagrams <= MAX_GAP_DATAGRAMS) {
              this.lost += datagrams;
              h.sequenceGaps += datagrams;
            }
          }
        }
      }
    }
    this.prev = units < 0 ? -1 : seq;
    this.prevUnits = units;
    this.prevData = dataUnits;
  }
}
