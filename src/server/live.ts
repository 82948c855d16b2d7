/**
 * Live updates for the page: the store handed to this process's collectors is wrapped so that every
 * stored batch and every saved exporter-health snapshot is noticed; subscribers (the SSE endpoint)
 * hear `flows` and `health` at most about once a second, however many batches arrive.
 */
import type { FlowFilter } from '../filter/filter.js';
import type { FlowRecord } from '../flow/record.js';
import type { NameRow } from '../names/names.js';
import { isBatchSink } from '../pipeline/batcher.js';
import { F, WIDTH, type RecordColumns } from '../store/record-columns.js';
import type { EdgeRef, EdgeSeriesRow, ExporterHealthRow, KeyedSeriesRow, SeriesKeys, TopPerKind, TopPerRow, SeriesRow, SocketQuery, SocketRow, SourceRow, Store, StoreStats, TopKind, TopRows } from '../store/store.js';
import type { LiveEvent, LiveInfo } from '../api/types.js';

export type LiveEventName = 'flows' | 'health';
export type LiveListener = (event: LiveEventName, data: LiveEvent) => void;

/** How long events are held back so that a burst of batches makes one event. */
export const LIVE_DEBOUNCE_MS = 1000;

export class LiveBus {
  private storedCount = 0;
  /** How much the store grew since start, as polling found it (other processes' records included). */
  private grownCount = 0;
  private lastSeenMs: number | null = null;
  private readonly listeners = new Set<LiveListener>();
  private readonly timers = new Map<LiveEventName, NodeJS.Timeout>();
  private lastHealth = '';
  private readonly shutdownHooks = new Set<() => void>();
  /** The collectors running in this process, or null when it only serves the store. */
  info: LiveInfo | null = null;

  constructor(private readonly debounceMs = LIVE_DEBOUNCE_MS) {}

  snapshot(): LiveEvent {
    // Own batches and polled growth count the same records: the larger one, never their sum.
    return { stored: Math.max(this.storedCount, this.grownCount), lastSeen: this.lastSeenMs === null ? null : new Date(this.lastSeenMs).toISOString() };
  }

  subscribe(fn: LiveListener): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** Called once when the server stops (event streams end then). */
  onShutdown(fn: () => void): () => void {
    this.shutdownHooks.add(fn);
    return () => this.shutdownHooks.delete(fn);
  }

  /** Announce what is pending, then end every event stream. */
  shutdown(): void {
    this.flush();
    for (const fn of [...this.shutdownHooks]) fn();
    this.shutdownHooks.clear();
  }

  /** A batch reached the store. */
  stored(records: readonly FlowRecord[]): void {
    let last = -Infinity;
    for (const r of records) if (r.lastSeen > last) last = r.lastSeen;
    this.storedSummary(records.length, last);
  }

  /** stored() for a batch known by its size and newest last_seen (column form). */
  storedSummary(count: number, lastSeenMs: number): void {
    if (count === 0) return;
    this.storedCount += count;
    if (this.lastSeenMs === null || lastSeenMs > this.lastSeenMs) this.lastSeenMs = lastSeenMs;
    this.schedule('flows');
  }

  /**
   * What polling the store found (src/server/live-poll.ts): `grown` records more than when this
   * server started, the newest last_seen. An event only when it is news, i.e. when another process
   * wrote: this process's own batches were announced by stored() already.
   */
  storeGrew(grown: number, lastSeenMs: number | null): void {
    let news = false;
    if (grown > Math.max(this.storedCount, this.grownCount)) news = true;
    if (grown > this.grownCount) this.grownCount = grown;
    if (lastSeenMs !== null && (this.lastSeenMs === null || lastSeenMs > this.lastSeenMs)) {
      this.lastSeenMs = lastSeenMs;
      news = true;
    }
    if (news) this.schedule('flows');
  }

  /** Exporter health was saved: an event only when the counters changed. */
  healthSaved(rows: readonly ExporterHealthRow[]): void {
    const text = JSON.stringify(rows);
    if (text === this.lastHealth) return;
    this.lastHealth = text;
    this.schedule('health');
  }

  private schedule(event: LiveEventName): void {
    if (this.timers.has(event)) return;
    const t = setTimeout(() => {
      this.timers.delete(event);
      const data = this.snapshot();
      for (const fn of this.listeners) fn(event, data);
    }, this.debounceMs);
    t.unref();
    this.timers.set(event, t);
  }

  /** Send what is pending now (at stop, so the last batch is announced), then stop timing. */
  flush(): void {
    for (const [event, t] of this.timers) {
      clearTimeout(t);
      this.timers.delete(event);
      const data = this.snapshot();
      for (const fn of this.listeners) fn(event, data);
    }
  }
}

/** The store as the collectors see it: everything passes through, stored batches tell the bus. */
export class ObservedStore implements Store {
  /** Where the inner store takes batches in column form (the store worker), so does this one. */
  readonly appendBatch?: (columns: RecordColumns) => Promise<void>;

  constructor(
    private readonly inner: Store,
    private readonly bus: LiveBus,
  ) {
    if (isBatchSink(inner)) {
      this.appendBatch = async (columns) => {
        // Read before the columns are handed over (their numbers go to the worker thread).
        const count = columns.count;
        let last = -Infinity;
        for (let i = 0; i < count; i++) last = Math.max(last, columns.numbers[i * WIDTH + F.lastSeen]);
        await inner.appendBatch(columns);
        bus.storedSummary(count, last);
      };
    }
  }

  init(): Promise<void> {
    return this.inner.init();
  }

  async append(records: readonly FlowRecord[]): Promise<void> {
    await this.inner.append(records);
    this.bus.stored(records);
  }

  top<K extends TopKind>(kind: K, filter: FlowFilter): Promise<TopRows[K]> {
    return this.inner.top(kind, filter);
  }

  series(filter: FlowFilter, bucketMs: number): Promise<SeriesRow[]> {
    return this.inner.series(filter, bucketMs);
  }

  topPer(kind: TopPerKind, filter: FlowFilter, bucketMs: number): Promise<TopPerRow[]> {
    return this.inner.topPer(kind, filter, bucketMs);
  }

  keyedSeries(filter: FlowFilter, bucketMs: number, keys: SeriesKeys): Promise<KeyedSeriesRow[]> {
    return this.inner.keyedSeries(filter, bucketMs, keys);
  }

  edgeSeries(filter: FlowFilter, bucketMs: number, edges: readonly EdgeRef[]): Promise<EdgeSeriesRow[]> {
    return this.inner.edgeSeries(filter, bucketMs, edges);
  }

  stats(): Promise<StoreStats> {
    return this.inner.stats();
  }

  sources(): Promise<SourceRow[]> {
    return this.inner.sources();
  }

  appendNames(rows: readonly NameRow[]): Promise<void> {
    return this.inner.appendNames(rows);
  }

  names(addresses: readonly string[]): Promise<NameRow[]> {
    return this.inner.names(addresses);
  }

  async saveExporterHealth(run: string, rows: readonly ExporterHealthRow[]): Promise<void> {
    await this.inner.saveExporterHealth(run, rows);
    this.bus.healthSaved(rows);
  }

  exporterHealth(): Promise<ExporterHealthRow[]> {
    return this.inner.exporterHealth();
  }

  saveSockets(rows: readonly SocketRow[]): Promise<void> {
    return this.inner.saveSockets(rows);
  }

  sockets(query: SocketQuery): Promise<SocketRow[]> {
    return this.inner.sockets(query);
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
