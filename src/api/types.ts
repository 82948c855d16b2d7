/**
 * The web API's wire types: what `flowmap serve` answers under /api/v1 and what the page (web/)
 * reads. Type-only, no runtime code, so the front end imports it without pulling in the server.
 *
 * Every list endpoint takes the one filter model as query parameters, with the CLI's names and
 * meanings (see src/filter/parse.ts): subnet, exclude, host, client, server, port, proto (each
 * repeatable and comma-separated), since, until (ISO 8601 or relative like 2h), minBytes (e.g. 10MB),
 * limit. Bad parameters get 400 with `ApiError`.
 */
import type { DepGraph } from '../graph/model.js';
import type { NameRow } from '../names/names.js';
import type { ConversationRow, EdgeRow, ExporterHealthRow, InterfaceRow, ServiceRow, StoreStats, TalkerRow, TopPerRow } from '../store/store.js';

export type { DepGraph, GraphEdge, GraphGroup, GraphMeta, GraphNode, NodeKind } from '../graph/model.js';
export type { NameRow, NameSource } from '../names/names.js';
import type { ListeningProcess, ProcessRow } from '../query/processes.js';
export type { ListeningProcess, ProcessRow } from '../query/processes.js';
export type { ConversationRow, EdgeRow, ExporterHealthRow, InterfaceRow, ServiceRow, StoreStats, TalkerRow, TopPerRow } from '../store/store.js';

/** Body of every 4xx/5xx answer. */
export interface ApiError {
  error: string;
}

/** GET /api/v1/meta: what the page shows in its header, and the bounds for the time picker. */
export interface MetaResponse {
  version: string;
  /** Backend kind and a display form of the store with any password removed. */
  store: { backend: 'duckdb' | 'mariadb' | 'clickhouse'; display: string };
  stats: StoreStats;
  /** Live collection in this process (serve --netflow/--sflow/--capture), else null. */
  live: LiveInfo | null;
  /** Export formats offered by /api/v1/export/{format}. */
  formats: string[];
  /** Server clock, ISO 8601 UTC: relative times (`2h`) are taken from it. */
  now: string;
}

export interface LiveInfo {
  /** e.g. `netflow 2055/udp`, `capture eth0`. */
  sources: string[];
  startedAt: string;
}

/**
 * GET /api/v1/graph: the dependency graph (the same model `flowmap export -f json` writes).
 * Extra parameters: groupBy (host | group | subnet[/len[,v6len]]), top (edges kept, 0 = all;
 * default 500), other (fold | drop). minBytes applies to edges after grouping, as in export.
 */
export type GraphResponse = DepGraph;

/** GET /api/v1/top/{edges|talkers|services|flows}: `flowmap top --json` rows, filtered. */
export interface TopResponse<R> {
  rows: R[];
}
export type TopEdgesResponse = TopResponse<EdgeRow>;
export type TopTalkersResponse = TopResponse<TalkerRow>;
export type TopServicesResponse = TopResponse<ServiceRow>;
export type TopFlowsResponse = TopResponse<ConversationRow>;
export type TopInterfacesResponse = TopResponse<InterfaceRow>;
/** GET /api/v1/top/processes: `flowmap top --by processes --json`. */
export type TopProcessesResponse = TopResponse<ProcessRow>;

/** POST /api/v1/agent: what one snapshot did to the store. */
export interface AgentResponse {
  host: string;
  sockets: number;
  /** Rows written (a wildcard listener once per host address). */
  rows: number;
  new_periods: number;
  extended: number;
  without_process: number;
}

/** GET /api/v1/top/{edges|talkers|services}?per=5m: `flowmap top --per 5m --json` rows. */
export type TopPerResponse = TopResponse<TopPerRow>;

/** One point of a traffic chart: bucket start (ISO 8601 UTC) and bytes in it, by direction. */
export interface SeriesPoint {
  t: string;
  /** Bytes the subject sent (host) / client to server (edge). */
  out: number;
  /** Bytes the subject received (host) / server to client (edge). */
  in: number;
  packets: number;
}

export interface Series {
  /** Bucket width chosen for the window (about 60-300 buckets). */
  bucketMs: number;
  points: SeriesPoint[];
}

/**
 * GET /api/v1/hosts/{address}: one host under the filter's time window and filters. Answers "who
 * talks to this server, on what, how much, since when".
 */
export interface HostDetail {
  address: string;
  /** The drawn name and its source, if any. */
  name: string | null;
  nameSource: string | null;
  /** Every name known for it, with source and times. */
  names: NameRow[];
  /** Group from the config's group rules, if any. */
  group: string | null;
  /** Totals as `top --by talkers` counts them; null when it has no traffic in the window. */
  totals: TalkerRow | null;
  /** Services it offers (it is the server), heaviest first. */
  services: ServiceRow[];
  /** Edges where it is the server: its clients. */
  clients: EdgeRow[];
  /** Edges where it is the client: what it depends on. */
  dependsOn: EdgeRow[];
  /** Programs seen listening on it (flowmap agent), by port; empty without an agent there. */
  processes: ListeningProcess[];
  /** Bytes it sent (out) and received (in) over time. */
  series: Series;
}

/**
 * GET /api/v1/edge?client=A&server=B&port=P&proto=tcp (plus the filter's time window): one
 * dependency: totals, its conversations, bytes each way over time.
 */
export interface EdgeDetail {
  edge: EdgeRow | null;
  clientName: string | null;
  serverName: string | null;
  /** Heaviest conversations first (limit applies). */
  conversations: ConversationRow[];
  /** out = client to server, in = server to client. */
  series: Series;
}

/** GET /api/v1/exporters: `flowmap exporters --json`. */
export interface ExportersResponse {
  rows: ExporterHealthRow[];
}

/**
 * GET /api/v1/events (text/event-stream). Events:
 * - `hello`: LiveEvent right after connecting;
 * - `flows`: LiveEvent whenever records were stored (at most about once a second);
 * - `health`: exporter counters changed.
 * Comment lines keep the connection alive every 15 s.
 */
export interface LiveEvent {
  /** Records stored by this process since it started. */
  stored: number;
  /** Newest last_seen stored, ISO 8601, or null. */
  lastSeen: string | null;
}

/**
 * GET /api/v1/export/{format}: the graph (same parameters as /graph, plus layout=layered|force) as
 * a file download, with Content-Disposition: attachment; filename="flowmap.<ext>".
 * GET /api/v1/openapi.json: the OpenAPI 3.1 description of all of the above.
 */
export type ExportFormatName = 'lucid-csv' | 'lucid' | 'drawio' | 'drawio-csv' | 'dot' | 'svg' | 'mermaid' | 'graphml' | 'json' | 'csv';

export type { RateStats, SeriesBucket, SeriesBy, TimeseriesRow } from '../analysis/types.js';
export type { CriticalHost, CrossEdge, DepsDirection, DepsEdge, DepsHost, DepsResult, HostRef, PlanCut, PlanResult, PlanWave, SharedHost } from '../analysis/types.js';

/**
 * GET /api/v1/deps: `flowmap deps TARGET --json`. Parameters: target (address, CIDR, host name or
 * config group; required), direction (down | up | both), depth (hops; absent = all), and the filter
 * (limit does not apply).
 */
export type DepsResponse = import('../analysis/types.js').DepsResult;

/** GET /api/v1/deps/critical: `flowmap deps --critical --json` rows (limit = rows, default 10). */
export interface CriticalResponse {
  rows: Array<import('../analysis/types.js').CriticalHost>;
}

/**
 * GET /api/v1/plan: `flowmap plan --json`. Parameters: waves (required), maxHosts, pin (HOST=W,
 * repeatable), together (A,B,…; repeatable), apart (A,B; repeatable), shared (auto | none | HOST,…),
 * bucket (p95 bucket, e.g. 5m), and the filter (limit does not apply).
 */
export type PlanResponse = import('../analysis/types.js').PlanResult;

/**
 * GET /api/v1/timeseries: `flowmap timeseries --json` rows. Parameters: by (edges | talkers |
 * services | total), bucket (1s to 1d; absent: at most 500 buckets), and the filter (limit = keys).
 */
export interface TimeseriesResponse {
  rows: Array<import('../analysis/types.js').TimeseriesRow>;
}
export type { DiffChange, DiffHost, DiffResult, DiffWindow } from '../analysis/types.js';

/**
 * GET /api/v1/diff: `flowmap diff --json`. Parameters: before and after (windows FROM..TO, each end
 * ISO 8601 or relative; required), threshold (a ratio above 1, default 2), and the filter (since,
 * until and limit do not apply).
 */
export type DiffResponse = import('../analysis/types.js').DiffResult;
