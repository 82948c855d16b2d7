/**
 * The conversation memory (conversation-memory.ts) for 53-bit numeric keys (util/hash53.ts, the flow
 * table's conversationKey), held in typed arrays instead of a Map of objects: the flow table and the
 * flow-export pairing write a record per conversation, and with a Map every remembered entry was an
 * object that lived long enough to be promoted and then collected by the old generation (a quarter of
 * a collector's time went to the Map and its garbage).
 *
 * Same contract as ConversationMemory: at most `bound` keys, the least recently set forgotten first;
 * get() does not refresh. The object get() returns is reused: read it before the next get().
 */
import { DIRECTION_EVIDENCE } from './record.js';
import type { ConversationRecall, RememberedConversation } from './conversation-memory.js';

const START = 1024;
const NONE = -1;

export class HashedConversationMemory implements ConversationRecall<number> {
  readonly bound: number;
  private count = 0;
  private keys = new Float64Array(0);
  private lastSeen = new Float64Array(0);
  /** Per entry: evidence index << 1 | clientIs1. */
  private sides = new Uint8Array(0);
  /** Least recently set first: a doubly linked list over entries. */
  private prev = new Int32Array(0);
  private next = new Int32Array(0);
  private head = NONE;
  private tail = NONE;
  /** Open addressing, linear probing: entry + 1, 0 = empty; at most half full. */
  private index = new Int32Array(0);
  private mask = 0;
  /** 32 - log2(index size): slots are taken from the top bits of a Fibonacci product. */
  private shift = 31;
  private readonly out: RememberedConversation = { clientIs1: false, evidence: 'handshake', lastSeen: 0 };

  constructor(bound: number) {
    this.bound = Math.max(1, Math.floor(bound));
    this.grow(Math.min(START, this.bound));
  }

  get size(): number {
    return this.count;
  }

  get(key: number): RememberedConversation | undefined {
    const e = this.find(key);
    if (e === NONE) return undefined;
    const out = this.out;
    const s = this.sides[e];
    out.clientIs1 = (s & 1) === 1;
    out.evidence = DIRECTION_EVIDENCE[s >> 1];
    out.lastSeen = this.lastSeen[e];
    return out;
  }

  set(key: number, value: RememberedConversation): void {
    let e = this.find(key);
    if (e === NONE) {
      if (this.count < this.bound) {
        if (this.count === this.keys.length) this.grow(Math.min(this.bound, this.keys.length * 2));
        e = this.count++;
      } else {
        // Full: the least recently set entry makes room, and its slot is reused.
        e = this.head;
        this.unindex(this.keys[e]);
        this.unlink(e);
      }
      this.keys[e] = key;
      this.insert(key, e);
    } else {
      this.unlink(e);
    }
    this.sides[e] = (DIRECTION_EVIDENCE.indexOf(value.evidence) << 1) | (value.clientIs1 ? 1 : 0);
    this.lastSeen[e] = value.lastSeen;
    this.append(e);
  }

  private slotOf(key: number): number {
    // The key's high 32 bits are one hash stream; the multiply spreads them for any power-of-two size.
    return Math.imul((key / 0x200000) | 0, 0x9e3779b1) >>> this.shift;
  }

  private find(key: number): number {
    const index = this.index;
    const mask = this.mask;
    for (let j = this.slotOf(key); ; j = (j + 1) & mask) {
      const v = index[j];
      if (v === 0) return NONE;
      if (this.keys[v - 1] === key) return v - 1;
    }
  }

  private insert(key: number, e: number): void {
    const index = this.index;
    const mask = this.mask;
    let j = this.slotOf(key);
    while (index[j] !== 0) j = (j + 1) & mask;
    index[j] = e + 1;
  }

  /** Take `key` out of the index (it must be there), by backward shift: probes never meet tombstones. */
  private unindex(key: number): void {
    const index = this.index;
    const mask = this.mask;
    let j = this.slotOf(key);
    while (this.keys[index[j] - 1] !== key) j = (j + 1) & mask;
    for (let k = (j + 1) & mask; index[k] !== 0; k = (k + 1) & mask) {
      const home = this.slotOf(this.keys[index[k] - 1]);
      // Move k into the hole at j unless its home lies cyclically in (j, k].
      if (j <= k ? home <= j || home > k : home <= j && home > k) {
        index[j] = index[k];
        j = k;
      }
    }
    index[j] = 0;
  }

  private unlink(e: number): void {
    const p = this.prev[e];
    const n = this.next[e];
    if (p === NONE) this.head = n;
    else this.next[p] = n;
    if (n === NONE) this.tail = p;
    else this.prev[n] = p;
  }

  private append(e: number): void {
    this.prev[e] = this.tail;
    this.next[e] = NONE;
    if (this.tail === NONE) this.head = e;
    else this.next[this.tail] = e;
    this.tail = e;
  }

  /** Room for `capacity` entries; the index is rebuilt at twice that, rounded up to a power of two. */
  private grow(capacity: number): void {
    const widen = <T extends Float64Array | Int32Array | Uint8Array>(a: T, make: (n: number) => T): T => {
      const b = make(capacity);
      b.set(a);
      return b;
    };
    this.keys = widen(this.keys, (n) => new Float64Array(n));
    this.lastSeen = widen(this.lastSeen, (n) => new Float64Array(n));
    this.sides = widen(this.sides, (n) => new Uint8Array(n));
    this.prev = widen(this.prev, (n) => new Int32Array(n));
    this.next = widen(this.next, (n) => new Int32Array(n));
    let slots = 2;
    let shift = 31;
    while (slots < capacity * 2) {
      slots *= 2;
      shift--;
    }
    this.index = new Int32Array(slots);
    this.mask = slots - 1;
    this.shift = shift;
    for (let e = 0; e < this.count; e++) this.insert(this.keys[e], e);
  }
}
