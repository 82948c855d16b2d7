/**
 * Live updates from OTHER processes: a `serve` whose store is written by a separate `flowmap collect`
 * (MariaDB, ClickHouse, or a shared DuckDB file) hears nothing on its in-process bus, so it polls the
 * store's high-water mark (record count and newest last_seen, Store.stats()) and the exporter health
 * every few seconds, and tells the bus, which emits the same `flows` and `health` events.
 */
import type { Store } from '../store/store.js';
import type { LiveBus } from './live.js';

/** Often enough for a page that refreshes itself, rarely enough that a count(*) per poll stays cheap. */
export const POLL_EVERY_MS = 5000;

export class StorePoller {
  private timer: NodeJS.Timeout | undefined;
  private baseline: { records: number; lastSeen: number | null } | null = null;
  private running: Promise<void> | null = null;
  private failed = false;
  /** The store's exporter health at the last poll (its rows sum every run, unlike a collector's own). */
  private health = '';

  constructor(
    private readonly store: Store,
    private readonly bus: LiveBus,
    private readonly everyMs = POLL_EVERY_MS,
  ) {}

  /** The first poll now (it only sets the baseline: what was there before is not news), then every everyMs. */
  start(): void {
    if (this.timer) return;
    void this.poll();
    this.timer = setInterval(() => void this.poll(), this.everyMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** One look at the store; a poll never overlaps the previous one (a busy store makes them rarer). */
  poll(): Promise<void> {
    this.running ??= this.look().finally(() => (this.running = null));
    return this.running;
  }

  private async look(): Promise<void> {
    try {
      const stats = await this.store.stats();
      const lastSeen = stats.lastSeen === null ? null : Date.parse(stats.lastSeen);
      const rows = await this.store.exporterHealth();
      const health = JSON.stringify(rows);
      if (this.baseline === null) {
        // What was there before this server started is not news.
        this.baseline = { records: stats.records, lastSeen };
      } else {
        const newer = lastSeen !== null && (this.baseline.lastSeen === null || lastSeen > this.baseline.lastSeen);
        this.bus.storeGrew(stats.records - this.baseline.records, newer ? lastSeen : null);
        if (health !== this.health) this.bus.healthSaved(rows);
      }
      this.health = health;
      this.failed = false;
    } catch (e) {
      // A store busy or briefly unreachable: the next poll tries again; said once, not every 5 s.
      if (!this.failed) process.stderr.write(`flowmap: serve: polling the store for live updates: ${(e as Error).message}\n`);
      this.failed = true;
    }
  }
}
