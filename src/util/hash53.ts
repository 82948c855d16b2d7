/**
 * 53-bit keys from numbers and short texts: two independent 32-bit murmur3 streams, one in the high
 * 32 bits and 21 bits of the other below, so a Map<number> can stand in for a Map keyed by a built
 * string. A collision among 100,000 live keys is about one in 10^11 per lookup; callers that must
 * never merge two tuples compare them on a hit.
 */

/** One murmur3 round. */
export function mix(h: number, w: number): number {
  let k = Math.imul(w, 0xcc9e2d51);
  k = (k << 15) | (k >>> 17);
  k = Math.imul(k, 0x1b873593);
  h ^= k;
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

/** A running 53-bit hash; one instance is reused for every key (no garbage per key). */
export class Hash53 {
  h1 = 0;
  h2 = 0;

  /** Start afresh from two seeds (e.g. another hash's h1 and h2, to extend a key's prefix). */
  start(seed1: number, seed2: number): this {
    this.h1 = seed1 | 0;
    this.h2 = seed2 ^ 0x5bd1e995;
    return this;
  }

  word(w: number): this {
    this.h1 = mix(this.h1, w);
    this.h2 = mix(this.h2, w ^ 0x27d4eb2f);
    return this;
  }

  /** A text, two UTF-16 units per round, then its length (so "ab"+"c" and "a"+"bc" differ). */
  text(s: string): this {
    const n = s.length;
    let i = 0;
    for (; i + 1 < n; i += 2) this.word(s.charCodeAt(i) | (s.charCodeAt(i + 1) << 16));
    if (i < n) this.word(s.charCodeAt(i));
    return this.word(n);
  }

  /** The key: a non-negative integer below 2^53. */
  value(): number {
    return (fmix(this.h1) >>> 0) * 0x200000 + (fmix(this.h2) & 0x1fffff);
  }
}
