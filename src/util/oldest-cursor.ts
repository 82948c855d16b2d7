/**
 * The oldest entry of an insertion-ordered Map (a bounded memory's next eviction), through a kept
 * iterator that is dropped once the map has changed about as often as it holds entries.
 *
 * Why keep one: `map.keys().next()` from the start steps over every deleted slot before the first
 * live one (V8 keeps them until a rehash); at 100,000 entries that made each eviction cost tens of
 * thousands of steps.
 *
 * Why drop it: a V8 Map iterator holds the hash table it was made on, and that table links to the one
 * the map rehashed into, and so on, each with every entry it held, until the iterator moves. A cursor
 * left alone on a Map that kept changing pinned them all: `collect` grew by 1.4 GiB a minute at
 * 100,000 flows/s (bench/soak.mjs), 731,000 long-paired conversations held after 25 s. A Map rehashes
 * at most about once per `size` changes, so at most a table or two stay reachable this way.
 */
export class OldestCursor<T> {
  private it: Iterator<T> | undefined;
  private changes = 0;

  /** `open` makes a fresh iterator over the map in insertion order (keys() or values()). */
  constructor(
    private readonly map: { readonly size: number },
    private readonly open: () => Iterator<T>,
  ) {}

  /** Count `n` insertions or deletions made on the map (other than through this cursor's entries). */
  changed(n = 1): void {
    this.changes += n;
    if (this.changes > this.map.size + 64) {
      this.it = undefined;
      this.changes = 0;
    }
  }

  /**
   * The oldest entry not yet passed, or undefined when the map is empty. Entries before it must all
   * have been deleted: the caller deletes what it is given (an eviction).
   */
  next(): T | undefined {
    let r = (this.it ??= this.open()).next();
    // A finished iterator stays finished (it reached the end once): start afresh.
    if (r.done === true) {
      this.it = this.open();
      r = this.it.next();
    }
    return r.done === true ? undefined : r.value;
  }
}
