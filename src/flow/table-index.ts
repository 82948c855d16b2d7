/**
 * The flow table's hash index: open addressing with linear probing over pairs [hash, record + 1]
 * (0 = empty), keyed by a conversation's canonical (addresses, ports, meta) as stored in the record
 * pool (slots.ts). It starts small and grows with the number of live conversations, so a small
 * index stays in cache.
 */
import { mix } from '../util/hash53.js';
import { R_HASH, R_META, R_PORTS, R_WORDS, type RecordPool } from './slots.js';

const INDEX_START = 1024;

export class ConversationIndex {
  /** Pairs [hash, record + 1]. */
  private idx = new Int32Array(INDEX_START * 2);
  private mask = INDEX_START - 1;

  /** The record holding this key, or -1. `r` is the pool's word view (records compared in place). */
  find(h: number, a: Int32Array, b: Int32Array, ports: number, meta: number, r: Int32Array): number {
    const idx = this.idx;
    const mask = this.mask;
    let j = h & mask;
    for (;;) {
      const slot = idx[j * 2 + 1];
      if (slot === 0) return -1;
      if (idx[j * 2] === h) {
        const o = (slot - 1) * R_WORDS;
        if (
          r[o + R_PORTS] === ports && r[o + R_META] === meta &&
          r[o] === a[0] && r[o + 1] === a[1] && r[o + 2] === a[2] && r[o + 3] === a[3] &&
          r[o + 4] === b[0] && r[o + 5] === b[1] && r[o + 6] === b[2] && r[o + 7] === b[3]
        ) {
          return slot - 1;
        }
      }
      j = (j + 1) & mask;
    }
  }

  /** Room for one more entry beside `count` live ones: grow (and rebuild from the pool) at half load. */
  reserve(count: number, pool: RecordPool): void {
    if ((count + 1) * 2 > this.idx.length / 2) this.rebuild(count, pool);
  }

  /** Link record i under hash h (the key must not be present). */
  insert(h: number, i: number): void {
    const idx = this.idx;
    let j = h & this.mask;
    while (idx[j * 2 + 1] !== 0) j = (j + 1) & this.mask;
    idx[j * 2] = h;
    idx[j * 2 + 1] = i + 1;
  }

  /** Unlink record i, stored under hash h. */
  remove(h: number, i: number): void {
    const idx = this.idx;
    const mask = this.mask;
    let j = h & mask;
    while (idx[j * 2 + 1] !== i + 1) j = (j + 1) & mask;
    // Backward-shift deletion: pull later entries of the probe run into the hole, so lookups never
    // wade through tombstones (they made misses slow as deleted flows piled up).
    let k = (j + 1) & mask;
    while (idx[k * 2 + 1] !== 0) {
      const home = idx[k * 2] & mask;
      // Move k into the hole at j unless its home lies cyclically in (j, k].
      if (j <= k ? home <= j || home > k : home <= j && home > k) {
        idx[j * 2] = idx[k * 2];
        idx[j * 2 + 1] = idx[k * 2 + 1];
        j = k;
      }
      k = (k + 1) & mask;
    }
    idx[j * 2] = 0;
    idx[j * 2 + 1] = 0;
  }

  /** Rebuild from the pool's used records, sized for `count` of them. */
  rebuild(count: number, pool: RecordPool): void {
    let size = this.idx.length / 2;
    while ((count + 1) * 4 > size) size *= 2;
    const idx = new Int32Array(size * 2);
    const mask = size - 1;
    for (let i = 0; i < pool.highWater; i++) {
      if (!pool.isUsed(i)) continue;
      const h = pool.r[i * R_WORDS + R_HASH];
      let j = h & mask;
      while (idx[j * 2 + 1] !== 0) j = (j + 1) & mask;
      idx[j * 2] = h;
      idx[j * 2 + 1] = i + 1;
    }
    this.idx = idx;
    this.mask = mask;
  }

  clear(): void {
    this.idx.fill(0);
  }
}

/** Hash of a conversation key. IPv4 is held IPv4-mapped: only its last word varies. */
export function hashKey(a: Int32Array, b: Int32Array, ports: number, meta: number): number {
  if ((meta & (1 << 20)) === 0) return finish(mix(mix(mix(0x811c9dc5 ^ meta, a[3]), b[3]), ports));
  let h = 0x811c9dc5 ^ meta;
  for (let k = 0; k < 4; k++) h = mix(mix(h, a[k]), b[k]);
  return finish(mix(h, ports));
}

function finish(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  return h | 0;
}
