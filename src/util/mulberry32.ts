/**
 * mulberry32: a small seeded PRNG, for anything that must come out the same from the same seed
 * (generated captures, test fixtures, the page's seeded layouts).
 */

/** mulberry32's output function of its state. */
export function mulberryOutput(state: number): number {
  let t = state;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return (t ^ (t >>> 14)) >>> 0;
}

/** Plain mulberry32 from `seed` (no seed mixing, unlike gen/prng.ts's Prng), uniform in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    return mulberryOutput(a) / 4294967296;
  };
}
