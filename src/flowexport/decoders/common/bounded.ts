/**
 * A Map that holds at most `max` entries: adding one more evicts the oldest inserted. Keeps per-exporter
 * state bounded when datagrams invent exporters, source ids or domains.
 */
export class BoundedMap<K, V> extends Map<K, V> {
  evicted = 0;

  constructor(private readonly max: number) {
    super();
  }

  override set(key: K, value: V): this {
    if (!this.has(key) && this.size >= this.max) {
      const oldest = this.keys().next();
      if (oldest.done !== true) {
        this.delete(oldest.value);
        this.evicted++;
      }
    }
    return super.set(key, value);
  }
}
