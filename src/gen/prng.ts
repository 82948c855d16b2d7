/**
 * Small seeded PRNG (mulberry32) so generated captures are byte-identical for the same seed.
 * Never use Math.random in the generator: tests compare against ground truth and caches key on the seed.
 */
import { mulberryOutput } from '../util/mulberry32.js';

export class Prng {
  private s: number;

  constructor(seed: number) {
    // Mix the seed once so that 1, 2, 3 ... give unrelated streams.
    this.s = (seed ^ 0x9e3779b9) >>> 0;
    this.u32();
  }

  /** Uniform 32-bit unsigned integer. */
  u32(): number {
    this.s = (this.s + 0x6d2b79f5) >>> 0;
    return mulberryOutput(this.s);
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.u32() / 4294967296;
  }

  /** Integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** Integer in [lo, hi] inclusive. */
  range(lo: number, hi: number): number {
    return lo + this.int(hi - lo + 1);
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }

  /** Exponential with the given mean (inter-arrival gaps). */
  exp(mean: number): number {
    return -Math.log(1 - this.next()) * mean;
  }

  /** Index chosen with probability proportional to weights[i]. */
  weighted(weights: readonly number[], total: number): number {
    let r = this.next() * total;
    for (let i = 0; i < weights.length; i++) {
      r -= weights[i];
      if (r < 0) return i;
    }
    return weights.length - 1;
  }

  /**
   * Index chosen with probability proportional to its weight, given the running sums of the weights
   * (cumulative[i] = weights[0] + ... + weights[i]): a binary search, for thousands of choices.
   */
  weightedCumulative(cumulative: Float64Array): number {
    const r = this.next() * cumulative[cumulative.length - 1];
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cumulative[mid] > r) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }
}
