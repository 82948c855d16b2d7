/**
 * What a generated capture is made of, independent of any one site: hosts, the service mix
 * (templates), the DNS zone its DNS messages use. The home lab (lab-hosts.ts) and the data centre
 * (datacenter.ts) are sites.
 */

export interface LabHost {
  name: string;
  v4: Buffer;
  v6: Buffer | null;
  text4: string;
  text6: string | null;
  mac: Buffer;
  /** On the capture's own segment (else its frames carry the router's MAC). */
  local: boolean;
}

/** Size ranges are [lo, hi] bytes, drawn log-uniformly. */
export interface Template {
  name: string;
  proto: number;
  /** Server port (0 for ICMP). */
  port: number;
  clients: readonly LabHost[];
  servers: readonly LabHost[];
  /** Relative spawn weight. */
  weight: number;
  /** Probability the conversation runs over IPv6 (when both ends have an address). */
  v6: number;
  /** 802.1Q id (0 = untagged) and probability of an extra QinQ outer tag. */
  vlan: number;
  qinq: number;
  /** Request/response rounds per conversation. */
  rounds: readonly [number, number];
  req: readonly [number, number];
  resp: readonly [number, number];
  /** Bytes the server sends before the first request (e.g. MySQL greeting). */
  greeting?: number;
  /** Client port: a fixed value, or a [lo, hi] range; default Linux ephemeral range. */
  clientPort?: number | readonly [number, number];
  /** UDP: probability that a response is a big datagram (fragmented). */
  bigResp?: number;
  /** UDP: probability a request gets no answer. ICMP: unanswered probability. */
  lossy?: number;
}

/** Names that DNS messages ask for; with `v4` (index-aligned), A answers carry the true address. */
export interface LabDnsZone {
  names: readonly string[];
  /** Without it, answers are random addresses (the home lab). */
  v4?: readonly Buffer[];
}

export interface LabSite {
  /** Every host; ARP frames are drawn from them. */
  hosts: readonly LabHost[];
  /** Its MAC carries the traffic of non-local hosts; the fallback server when a template's only server is the client. */
  router: LabHost;
  templates: readonly Template[];
  dns: LabDnsZone;
  /**
   * Spawn every (template, client, server) pair once, in seeded order, before drawing templates by
   * weight: every intended pair occurs once the capture is long enough (see lab-budget.ts).
   */
  coverAllPairs?: boolean;
}
