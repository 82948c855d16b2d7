import type { DirectionEvidence } from './record.js';

/**
 * Direction inference: which end of a conversation is the client. One module for every source
 * (capture flow table, pairing of exporter records, ntopng import).
 *
 * Evidence, strongest first: TCP handshake, ICMP echo roles, an endpoint known to accept
 * connections, a registered service port, fan-in (many peers talk to one endpoint), port ranges,
 * and only when nothing else tells, the sender of the first packet.
 */

/** What is known about one end of a conversation. */
export interface EndpointEvidence {
  port: number;
  /** Sent a TCP SYN without ACK (opened the connection). */
  synSent: boolean;
  /** Sent a TCP SYN+ACK (accepted the connection). */
  synAckSent: boolean;
  /** Sent an ICMP/ICMPv6 echo (or other) request. */
  requestSent: boolean;
  /** Sent an ICMP/ICMPv6 echo reply. */
  replySent: boolean;
  /** This (address, port, protocol) was seen accepting a handshake in another conversation. */
  listener: boolean;
  /** Number of distinct peers seen talking to this (address, port, protocol). */
  fanIn: number;
  /** Sent the first packet seen of this conversation. */
  sentFirst: boolean;
}

/** The only thing direction needs from the service registry. */
export interface ServiceLookup {
  isService(port: number, proto: number): boolean;
}

export interface DirectionDecision {
  /** True when end A is the client. */
  aIsClient: boolean;
  evidence: DirectionEvidence;
}

const IANA_DYNAMIC_START = 49152;
const LINUX_EPHEMERAL_START = 32768;

/** Lower rank = more likely a server port. */
export function portRank(port: number): number {
  if (port === 0) return 4;
  if (port < 1024) return 0;
  if (port < LINUX_EPHEMERAL_START) return 1;
  if (port < IANA_DYNAMIC_START) return 2;
  return 3;
}

export function decideDirection(
  proto: number,
  a: EndpointEvidence,
  b: EndpointEvidence,
  services: ServiceLookup,
): DirectionDecision {
  // A SYN sender opened the connection; a SYN-ACK sender accepted it.
  if (a.synSent !== b.synSent) return { aIsClient: a.synSent, evidence: 'handshake' };
  if (a.synAckSent !== b.synAckSent) return { aIsClient: b.synAckSent, evidence: 'handshake' };
  if (a.requestSent !== b.requestSent) return { aIsClient: a.requestSent, evidence: 'icmp' };
  if (a.replySent !== b.replySent) return { aIsClient: b.replySent, evidence: 'icmp' };
  if (a.listener !== b.listener) return { aIsClient: b.listener, evidence: 'listener' };
  const hasPorts = a.port !== 0 || b.port !== 0;
  if (hasPorts) {
    const aSvc = services.isService(a.port, proto);
    const bSvc = services.isService(b.port, proto);
    if (aSvc !== bSvc) return { aIsClient: bSvc, evidence: 'service-port' };
  }
  // Fan-in needs a clear margin: one peer more is noise.
  if (a.fanIn >= 2 * Math.max(1, b.fanIn) || b.fanIn >= 2 * Math.max(1, a.fanIn)) {
    if (a.fanIn !== b.fanIn) return { aIsClient: b.fanIn > a.fanIn, evidence: 'fan-in' };
  }
  if (hasPorts && a.port !== b.port) {
    const ra = portRank(a.port);
    const rb = portRank(b.port);
    if (ra !== rb) return { aIsClient: rb < ra, evidence: 'port-rank' };
    return { aIsClient: b.port < a.port, evidence: 'port-rank' };
  }
  return { aIsClient: a.sentFirst || !b.sentFirst, evidence: 'first-packet' };
}

/** Evidence for an end with nothing known but its port. */
export function portOnlyEvidence(port: number): EndpointEvidence {
  return {
    port,
    synSent: false,
    synAckSent: false,
    requestSent: false,
    replySent: false,
    listener: false,
    fanIn: 0,
    sentFirst: false,
  };
}
