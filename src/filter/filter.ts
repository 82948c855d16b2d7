/**
 * The one filter model: `--subnet`, `--exclude`, `--host`, `--client`,
 * `--server`, `--port`, `--proto`, `--exporter`, `--interface`, `--since/--until`,
 * `--min-bytes`, `--limit` mean the same in every command, the web API and every store.
 */

/** An address range as 128-bit [first, last], split into unsigned 64-bit halves (IPv4-mapped for v4). */
export interface AddrRange {
  /** The user's text, normalised (e.g. `192.168.1.0/24`). */
  text: string;
  hiMin: bigint;
  hiMax: bigint;
  loMin: bigint;
  loMax: bigint;
}

export interface FlowFilter {
  /** Both ends inside any of these (each end may be in a different one). Empty = no constraint. */
  subnets: AddrRange[];
  /** Drop records with either end inside any of these. */
  excludes: AddrRange[];
  /** Keep records with either end inside any of these (a host is a /32 or /128). */
  hosts: AddrRange[];
  /** The client end inside one of these (a dependency's consumer side). */
  clients: AddrRange[];
  /** The server end inside one of these (a dependency's provider side). */
  servers: AddrRange[];
  /** Server port in this set. */
  ports: number[];
  /** IP protocol number in this set. */
  protos: number[];
  /** Flow exporter address (canonical text) in this set. */
  exporters: string[];
  /** The record's input or output exporter interface (SNMP ifIndex) in this set. */
  interfaces: number[];
  /** Records overlapping [since, until] (epoch ms). */
  since?: number;
  until?: number;
  /** Groups whose total bytes are below this are dropped. */
  minBytes?: number;
  /** Number of rows returned. */
  limit: number;
}
