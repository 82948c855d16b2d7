import { EV_SIDE_SHIFT } from './conversation.js';

/**
 * Storage for the flow table, laid out for the cache: the per-packet path touches one line of the
 * index and two lines of one record, and allocates nothing.
 *
 * - The index is open addressing over pairs [hash, record + 1] (0 = empty).
 * - Records live in one ArrayBuffer, 128 bytes each, seen through an Int32Array and a Float64Array.
 *   Everything is int32 (addresses too, as in PacketInfo) so V8 never boxes a word on the hot path.
 *   A conversation's ends are stored in canonical order (side 0 = the smaller (address, port)) so
 *   both directions land in the same record.
 */

/** Record layout, in 32-bit words (first cache line: key and state). */
export const R_ADDR = 0; // 8 words: side 0 address, side 1 address
export const R_PORTS = 8; // side0 port << 16 | side1 port
export const R_META = 9; // proto | vlan << 8 | v6 << 20
export const R_BITS = 10; // flags0 | flags1 << 8 | ev << 16 | state << 24
export const R_USED = 11; // 1 when in use | evidence index << 8
export const R_HASH = 12; // the key's hash, to find the record's index entry on delete
export const R_WORDS = 32;
/** In 64-bit words (second cache line: counters and times). */
export const F_BYTES = 8; // side 0, side 1
export const F_PKTS = 10; // side 0, side 1
export const F_FIRST = 12;
export const F_LAST = 13;
export const F_WORDS = 16;

/*
 * ev (R_BITS >> 16 & 0xff): who sent which handshake / ICMP role, as the evidence bits of
 * conversation.ts: side 0's in the low EV_SIDE_SHIFT bits, side 1's above them.
 */
/** Bit offset in R_BITS of one side's evidence bits. */
export function evidenceShift(side: number): number {
  return 16 + side * EV_SIDE_SHIFT;
}

/** Bits of state (R_BITS >> 24). */
export const ST_SIDE1_FIRST = 1; // side 1 sent the first packet of the current record
export const ST_DECIDED = 2; // direction fixed (kept across active-timeout records)
export const ST_CLIENT_SIDE1 = 4; // with ST_DECIDED: side 1 is the client
export const ST_CLOSED = 8; // FIN or RST seen: a new SYN starts a new conversation
export const ST_EMPTY = 16; // counters were reset by the active timeout; no packet since

/** Fixed-capacity record pool with a free list. */
export class RecordPool {
  readonly cap: number;
  readonly buf: ArrayBuffer;
  readonly r: Int32Array;
  readonly f: Float64Array;
  private readonly free: Int32Array;
  private freeTop: number;
  /** One past the highest index ever handed out: scans stop here (low indices are reused first). */
  highWater = 0;

  constructor(cap: number) {
    this.cap = cap;
    this.buf = new ArrayBuffer(cap * R_WORDS * 4);
    this.r = new Int32Array(this.buf);
    this.f = new Float64Array(this.buf);
    this.free = new Int32Array(cap);
    // Hand out low indices first: the scan over used records stays dense.
    for (let i = 0; i < cap; i++) this.free[i] = cap - 1 - i;
    this.freeTop = cap;
  }

  get available(): number {
    return this.freeTop;
  }

  /** A free record index, or -1 when full. */
  alloc(): number {
    if (this.freeTop === 0) return -1;
    const i = this.free[--this.freeTop];
    if (i >= this.highWater) this.highWater = i + 1;
    // Plain stores beat TypedArray.fill for 32 words (alloc runs once per new flow).
    const r = this.r;
    const o = i * R_WORDS;
    for (let k = 0; k < R_WORDS; k++) r[o + k] = 0;
    r[o + R_USED] = 1;
    return i;
  }

  release(i: number): void {
    this.r[i * R_WORDS + R_USED] = 0;
    this.free[this.freeTop++] = i;
  }

  isUsed(i: number): boolean {
    return (this.r[i * R_WORDS + R_USED] & 1) !== 0;
  }

  /** A pool twice as large holding the same records at the same indices. */
  grow(): RecordPool {
    const next = new RecordPool(this.cap * 2);
    new Int32Array(next.buf).set(this.r);
    // Rebuild the free list: the old free slots plus the new upper half.
    next.freeTop = 0;
    for (let i = next.cap - 1; i >= 0; i--) if (!next.isUsed(i)) next.free[next.freeTop++] = i;
    next.highWater = this.highWater;
    return next;
  }
}
