/**
 * The configuration's shape and defaults: what config.ts loads and schema.ts validates. Kept apart from
 * both so that neither imports the other (schema.ts loads only when there is a file).
 */
import type { GroupRuleConfig } from '../graph/groups.js';
import type { ServiceOverride } from '../services/registry.js';
import { CONVERSATION_MEMORY } from '../flow/conversation-memory.js';

/** The resolved configuration: every default filled in. */
export interface FlowmapConfig {
  /** The file it came from, or null when none was found (all defaults). */
  path: string | null;
  /** Store spec (`flowmap.duckdb`, `duckdb:PATH`, ...); relative paths are resolved against the config file's folder. */
  db?: string;
  /** Keep flows this long (ms): older records are deleted by every command that writes. */
  retentionMs?: number;
  services: ServiceOverride[];
  flows: FlowTableConfig;
  /** Host names the user gave (canonical address -> name); they win over names seen on the network. */
  names: Array<{ address: string; name: string }>;
  /** Group rules, in order: a host joins the first group that matches. */
  groups: GroupRuleConfig[];
  /** Per-exporter settings: sampling for flow collection (`flowmap collect`, `ingest --exports`), interface names for queries. */
  exporters: ExporterConfig[];
  /** `flowmap serve` settings; its options override them. */
  serve: ServeConfig;
}

/** Tokens travel in a header, a cookie and once in a URL: characters safe in all three. */
export const TOKEN_PATTERN = /^[A-Za-z0-9._~-]{16,256}$/;
export const TOKEN_RULE = '16 to 256 characters from A-Z a-z 0-9 . _ ~ - (e.g. openssl rand -hex 16)';

export interface ServeConfig {
  port?: number;
  /** IP address the web server binds. */
  listen?: string;
  /** Required on every request when set. */
  token?: string;
  /** HTTPS: PEM certificate (chain) and private key files, absolute (relative ones are resolved next to the config file). */
  tlsCert?: string;
  tlsKey?: string;
}

/** One flow exporter's settings. */
export interface ExporterConfig {
  /** Exporter address, canonical text. */
  address: string;
  /** For records that state no sampling rate: their counters are scaled by this one. */
  samplingRate?: number;
  /** Names of its interfaces by SNMP ifIndex (`top --by interfaces`), ordered by index. */
  interfaces: Array<{ ifIndex: number; name: string }>;
}

export interface FlowTableConfig {
  /** A flow with no packets for this long is finished (ms). */
  idleTimeoutMs: number;
  /** A flow longer than this is written out as a record and continues in a new one (ms). */
  activeTimeoutMs: number;
  /** Flow table bound; the oldest flows are flushed early beyond this. */
  maxFlows: number;
  /** Conversations remembered after their records are written (sides, starts): see flow/conversation-memory.ts. */
  conversationMemory: number;
}

export const DEFAULT_FLOWS: Readonly<FlowTableConfig> = {
  idleTimeoutMs: 15_000,
  // 60 s is the NetFlow / vSphere Distributed Switch default: dashboards see long flows within a minute.
  activeTimeoutMs: 60_000,
  maxFlows: 1_000_000,
  conversationMemory: CONVERSATION_MEMORY,
};
