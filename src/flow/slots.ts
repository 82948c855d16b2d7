/**
 * Struct-of-arrays storage for the flow table: one index per conversation, no per-packet objects.
 * A conversation's two ends are stored in canonical order (side 0 = the smaller (address, port)),
 * so both directions of a conversation land in the same slot.
 */
export const EMPTY = 0;
export const USED = 1;
export const DELETED = 2;

/** Bits of `ev`: who sent which handshake / ICMP role. Bit << 1 is the same for side 1. */
export const EV_SYN = 1;
export const EV_SYNACK = 4;
export const EV_REQUEST = 16;
export const EV_REPLY = 64;

/** Bits of `state`. */
export const ST_SIDE1_FIRST = 1; // side 1 sent the first packet of the current conversation
export const ST_DECIDED = 2; // direction fixed (kept across active-timeout records)
export const ST_CLIENT_SIDE1 = 4; // with ST_DECIDED: side 1 is the client
export const ST_CLOSED = 8; // FIN or RST seen: a new SYN starts a new conversation
export const ST_EMPTY = 16; // counters were reset by the active timeout; no packet since

export class Slots {
  readonly cap: number;
  readonly mask: number;
  readonly used: Uint8Array;
  readonly hash: Uint32Array;
  /** 8 words per slot: side 0 address (4), side 1 address (4). */
  readonly addr: Uint32Array;
  /** side0 port << 16 | side1 port. */
  readonly ports: Uint32Array;
  /** proto | vlan << 8 | v6 << 20. */
  readonly meta: Uint32Array;
  /** 2 per slot, by side. */
  readonly bytes: Float64Array;
  readonly pkts: Float64Array;
  readonly flags: Uint8Array;
  readonly first: Float64Array;
  readonly last: Float64Array;
  readonly ev: Uint8Array;
  readonly state: Uint8Array;
  /** Index into DIRECTION_EVIDENCE when ST_DECIDED. */
  readonly evidence: Uint8Array;

  constructor(cap: number) {
    this.cap = cap;
    this.mask = cap - 1;
    this.used = new Uint8Array(cap);
    this.hash = new Uint32Array(cap);
    this.addr = new Uint32Array(cap * 8);
    this.ports = new Uint32Array(cap);
    this.meta = new Uint32Array(cap);
    this.bytes = new Float64Array(cap * 2);
    this.pkts = new Float64Array(cap * 2);
    this.flags = new Uint8Array(cap * 2);
    this.first = new Float64Array(cap);
    this.last = new Float64Array(cap);
    this.ev = new Uint8Array(cap);
    this.state = new Uint8Array(cap);
    this.evidence = new Uint8Array(cap);
  }

  /** Copy slot i of `from` into slot j of this. */
  copyFrom(from: Slots, i: number, j: number): void {
    this.used[j] = USED;
    this.hash[j] = from.hash[i];
    this.addr.set(from.addr.subarray(i * 8, i * 8 + 8), j * 8);
    this.ports[j] = from.ports[i];
    this.meta[j] = from.meta[i];
    this.bytes[j * 2] = from.bytes[i * 2];
    this.bytes[j * 2 + 1] = from.bytes[i * 2 + 1];
    this.pkts[j * 2] = from.pkts[i * 2];
    this.pkts[j * 2 + 1] = from.pkts[i * 2 + 1];
    this.flags[j * 2] = from.flags[i * 2];
    this.flags[j * 2 + 1] = from.flags[i * 2 + 1];
    this.first[j] = from.first[i];
    this.last[j] = from.last[i];
    this.ev[j] = from.ev[i];
    this.state[j] = from.state[i];
    this.evidence[j] = from.evidence[i];
  }
}
