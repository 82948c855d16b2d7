/**
 * The analyses' answers (deps, deps --critical, plan), as the CLI prints them with --json and the
 * web API sends them. Type-only and free of run-time imports, so the web page can use them.
 */
import type { EdgeRow } from '../store/store.js';

/** A host as every analysis answer names it. */
export interface HostRef {
  address: string;
  /** Best known name (config, DNS, SNI, HTTP, reverse DNS), else null. */
  name: string | null;
  /** Config group, else null. */
  group: string | null;
}

export type DepsDirection = 'down' | 'up' | 'both';

export interface DepsHost extends HostRef {
  /** Fewest client -> server hops from TARGET in the chosen direction. */
  distance: number;
  /** `down`: TARGET depends on it; `up`: it depends on TARGET; `both` (only with --direction both). */
  relation: 'down' | 'up' | 'both';
}

/** A dependency on the way, with the hop at which it is taken. */
export interface DepsEdge extends EdgeRow {
  distance: number;
}

export interface DepsResult {
  target: string;
  /** The hosts TARGET stands for (one for an address; several for a CIDR, group or name pattern). */
  targets: HostRef[];
  direction: DepsDirection;
  depth: number | null;
  hosts: DepsHost[];
  edges: DepsEdge[];
}

export interface CriticalHost extends HostRef {
  /** Hosts that are its clients. */
  dependents_direct: number;
  /** Hosts that depend on it directly or through others. */
  dependents_total: number;
  /** The services it serves them, heaviest first (`ldap 389/tcp`). */
  services: string[];
  /** Bytes of the traffic it serves. */
  bytes: number;
}

/** A dependency that must stay reachable across the link while its wave is in flight. */
export interface CrossEdge extends EdgeRow {
  /** The other end's wave, or null when the other end is a shared service. */
  other_wave: number | null;
  /** 95th percentile of this dependency's rate over the window, bits per second (null until rates are added). */
  p95_bps: number | null;
}

export interface PlanWave {
  wave: number;
  hosts: HostRef[];
  /** Bytes between hosts of this wave. */
  bytes_internal: number;
  /** Bytes of its cross dependencies (to other waves and to shared services). */
  bytes_cross: number;
  cross: CrossEdge[];
  /**
   * The link the wave needs while it is in flight: p95 and peak of its total cross traffic per bucket
   * (all its cross dependencies summed), bits per second; null until rates are added.
   */
  cross_p95_bps: number | null;
  cross_peak_bps: number | null;
}

export interface SharedHost extends HostRef {
  /** `server`: used by clients of many applications (DNS, LDAP); `client`: reaches into them (monitoring, backup). */
  role: 'server' | 'client';
  /** The services it serves (server) or uses (client), heaviest first. */
  services: string[];
  waves: number[];
  /** Its bytes with each wave. */
  per_wave: Array<{ wave: number; bytes: number }>;
  bytes: number;
  /** How it became shared: found in the traffic (`auto`) or named with --shared. */
  found: 'auto' | 'listed';
}

export interface PlanCut {
  bytes: number;
  dependencies: number;
}

export interface PlanResult {
  waves: PlanWave[];
  shared: SharedHost[];
  cut: PlanCut;
  baseline: { method: string; cut: PlanCut };
  /** Most hosts a wave may hold, and whether the user set it. */
  max_hosts: number;
  max_hosts_given: boolean;
  /** Communities the traffic falls into (applications, as Louvain finds them). */
  communities: number;
  /** Width of the buckets behind p95_bps, seconds (null until rates are added). */
  bucket_s: number | null;
}

/** What `flowmap timeseries --by` ranks. */
export type SeriesBy = 'edges' | 'talkers' | 'services' | 'interfaces' | 'total';

/** One bucket of a series: start (ISO 8601 UTC), bytes in total and each way, packets. */
export interface SeriesBucket {
  t: string;
  bytes: number;
  bytes_c2s: number;
  bytes_s2c: number;
  packets: number;
}

/** Peak, p95 and average rate over the window in bits per second, in total and each way. */
export interface RateStats {
  peak_bps: number;
  p95_bps: number;
  avg_bps: number;
  peak_bps_c2s: number;
  p95_bps_c2s: number;
  avg_bps_c2s: number;
  peak_bps_s2c: number;
  p95_bps_s2c: number;
  avg_bps_s2c: number;
}

interface SeriesBody extends RateStats {
  bucket_s: number;
  buckets: SeriesBucket[];
}

export interface EdgeSeries extends SeriesBody {
  key: 'edge';
  client: string;
  server: string;
  port: number;
  proto: string;
  service: string | null;
}

/** A host's series: `_c2s` is what it sent, `_s2c` what it received. */
export interface TalkerSeries extends SeriesBody {
  key: 'talker';
  host: string;
}

export interface ServiceSeries extends SeriesBody {
  key: 'service';
  port: number;
  proto: string;
  service: string | null;
}

/** An exporter interface's series: `_c2s` is what entered through it, `_s2c` what left. */
export interface InterfaceSeries extends SeriesBody {
  key: 'interface';
  exporter: string;
  if_index: number;
  if_name: string | null;
}

export interface TotalSeries extends SeriesBody {
  key: 'total';
}

/** One row of `flowmap timeseries --json`: the key (`key` says which kind), the statistics, the buckets. */
export type TimeseriesRow = EdgeSeries | TalkerSeries | ServiceSeries | InterfaceSeries | TotalSeries;

/** One window of `flowmap diff`, as given (FROM..TO) and resolved. */
export interface DiffWindow {
  from: string;
  to: string;
  /** Length of the window, seconds. */
  seconds: number;
}

/** A dependency whose traffic moved by the threshold or more between the windows. */
export interface DiffChange {
  client: string;
  server: string;
  port: number;
  proto: string;
  service: string | null;
  bytes_before: number;
  bytes_after: number;
  /**
   * After over before: of bytes when the windows are equally long, else of rates (bytes per second);
   * null when the before window carried 0 bytes on it.
   */
  ratio: number | null;
}

/** A host seen in one window and not in the other, with its bytes in the window it was seen in. */
export interface DiffHost extends HostRef {
  bytes: number;
}

/** `flowmap diff --json`: what changed between two windows, under the same filter. */
export interface DiffResult {
  before: DiffWindow;
  after: DiffWindow;
  threshold: number;
  /** `bytes` when the windows are equally long; `rates` (bytes per second) when they are not. */
  compared: 'bytes' | 'rates';
  /** In the after window, not in the before window (their after-window row). */
  added: EdgeRow[];
  /** In the before window, not in the after window (their before-window row). */
  removed: EdgeRow[];
  changed: DiffChange[];
  /** Dependencies in both windows that moved by less than the threshold. */
  unchanged: number;
  hosts_added: DiffHost[];
  hosts_removed: DiffHost[];
  /** What a reader should know: overlapping windows, an empty window, rates compared. */
  notes: string[];
}
