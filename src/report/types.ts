/**
 * What a report says, gathered once (gather.ts) from the same analysis and query code the CLI and the
 * API call, and handed to every renderer (HTML, Markdown) and to the API's download. Type-only.
 */
import type { CriticalHost, DiffResult, EdgeSeries, HostRef, InterfaceSeries, PlanResult, ServiceSeries, TotalSeries } from '../analysis/types.js';
import type { LayoutKind } from '../export/layout.js';
import type { DepGraph } from '../graph/model.js';
import type { ExporterHealthRow, SourceRow, TopPerRow } from '../store/store.js';

/** A host of the inventory: its traffic as `top --by talkers` counts it, and what it serves. */
export interface InventoryHost extends HostRef {
  /** Services it offers (as a server), heaviest first (`ldap 389/tcp`). */
  services: string[];
  bytes_sent: number;
  bytes_received: number;
  /** Distinct hosts it talked with. */
  peers: number;
  /** Its plan wave, `shared`, or null without a plan. */
  wave: number | 'shared' | null;
}

/** A map to draw, or why it is not drawn. */
export interface ReportMap {
  title: string;
  graph: DepGraph | null;
  /** Why there is no graph (too many dependencies to lay out), else null. */
  omitted: string | null;
  /** How it is laid out: the application layout (export/app-layout.ts), as plan -f and export --clusters draw. */
  layout: LayoutKind;
}

export interface ReportCongestion {
  /** Top keys by bytes (the filter's --limit), ranked by p95; empty where the store has none. */
  edges: EdgeSeries[];
  services: ServiceSeries[];
  interfaces: InterfaceSeries[];
  /** All traffic that passes the filter, per bucket. */
  total: TotalSeries | null;
  /** The bucket with the most bytes and the top talkers in it (top --per). */
  busiest: { t: string; bytes: number; talkers: TopPerRow[] } | null;
}

export interface ReportData {
  /** When the report was made (ISO 8601 UTC). */
  generated_at: string;
  /** The store the numbers come from (password removed). */
  store: { backend: string; display: string };
  /** The filters used, as command-line options (`--subnet 10.0.0.0/8`). */
  filters: string[];
  /** The analysed window (ISO 8601 UTC), null when nothing matches. */
  window: { from: string; to: string } | null;
  /** Width of the buckets of every p95 in the report, seconds. */
  bucket_s: number | null;
  sources: {
    /** Records in the whole store (every source, before filters), and their extent. */
    records: number;
    first_seen: string | null;
    last_seen: string | null;
    /** Records per source: capture files and interfaces, flow exporters, ntopng imports. */
    list: SourceRow[];
    /** Flow exporters the store has health for (NetFlow, IPFIX, sFlow). */
    exporters: ExporterHealthRow[];
  };
  totals: { hosts: number; dependencies: number; bytes: number; packets: number; connections: number };
  inventory: InventoryHost[];
  /**
   * The whole map: grouped by wave with a plan, else by config group (or found application); without
   * the shared services' dependencies (`left_out` of them).
   */
  map: ReportMap & { left_out: number };
  critical: CriticalHost[];
  /** Null without --waves. */
  plan: PlanResult | null;
  /** One map per wave (same order as plan.waves). */
  waveMaps: ReportMap[];
  congestion: ReportCongestion;
  /** Null without --before/--after. */
  diff: DiffResult | null;
}
