import type { PacketInfo } from './packet.js';

/**
 * Bounds of the fragment bookkeeping. Memory is bounded by entry counts: at most FRAG_FIRST_MAX
 * remembered first fragments (a short key string + 4 numbers each) and FRAG_HELD_MAX held later
 * fragments (2 numbers each, plus one address record per datagram), i.e. well under 2 MB in total.
 */
export const FRAG_FIRST_MAX = 4096;
export const FRAG_HELD_MAX = 4096;
/** Packet-time after which a held fragment is given up on (released as port-less) and a first fragment forgotten. */
export const FRAG_TIMEOUT_MS = 30_000;
const SWEEP_EVERY_MS = 1000;

/** Ports of a first fragment, for the later fragments of the same datagram. */
interface FirstFragment {
  srcPort: number;
  dstPort: number;
  proto: number;
  tsMs: number;
}

/** Later fragments of one datagram that came before its first fragment. */
class HeldDatagram {
  readonly src = new Uint32Array(4);
  readonly dst = new Uint32Array(4);
  readonly bytes: number[] = [];
  readonly ts: number[] = [];
  constructor(
    info: PacketInfo,
    readonly firstTs: number,
  ) {
    this.ipVersion = info.ipVersion;
    this.proto = info.proto;
    this.vlan = info.vlan;
    this.src.set(info.src);
    this.dst.set(info.dst);
  }
  readonly ipVersion: number;
  readonly proto: number;
  readonly vlan: number;
}

/** Key of one datagram: addresses, protocol (IPv6: the fragment header's next header) and IP identification. */
export function fragmentKey(info: PacketInfo, proto: number, id: number): string {
  const s = info.src;
  const d = info.dst;
  // Strings only for fragments, which are rare: the common path allocates nothing.
  return info.ipVersion === 4
    ? `${s[3]}>${d[3]}/${proto}/${id}`
    : `${s[0]},${s[1]},${s[2]},${s[3]}>${d[0]},${d[1]},${d[2]},${d[3]}/${proto}/${id}`;
}

export class FragmentTable {
  private readonly firsts = new Map<string, FirstFragment>();
  private readonly held = new Map<string, HeldDatagram>();
  private heldCount = 0;
  /** Held datagrams given up on (timeout or table full), waiting for drain(). */
  private readonly released: HeldDatagram[] = [];
  private releasedCount = 0;
  /** Fragments lost because nobody drained the released queue in time. */
  dropped = 0;
  /** Packet time at which the next expiry sweep is due (Infinity while both tables are empty). */
  nextSweepMs = Infinity;

  get hasReleased(): boolean {
    return this.releasedCount !== 0;
  }

  /** A first fragment: remember its ports; returns the datagram's held later fragments, if any. */
  first(key: string, info: PacketInfo): HeldDatagram | undefined {
    const firsts = this.firsts;
    if (firsts.has(key)) firsts.delete(key); // re-insert so insertion order stays time order
    else if (firsts.size >= FRAG_FIRST_MAX) firsts.delete(firsts.keys().next().value as string);
    firsts.set(key, { srcPort: info.srcPort, dstPort: info.dstPort, proto: info.proto, tsMs: info.tsMs });
    this.scheduleSweep(info.tsMs);
    const h = this.held.get(key);
    if (h !== undefined) {
      this.held.delete(key);
      this.heldCount -= h.bytes.length;
    }
    return h;
  }

  /** Ports for a later fragment, or undefined when its first fragment has not been seen. */
  lookup(key: string): FirstFragment | undefined {
    return this.firsts.get(key);
  }

  /** Hold a later fragment whose first has not come yet. */
  hold(key: string, info: PacketInfo): void {
    let h = this.held.get(key);
    if (h === undefined) {
      h = new HeldDatagram(info, info.tsMs);
      this.held.set(key, h);
    }
    h.bytes.push(info.ipBytes);
    h.ts.push(info.tsMs);
    this.heldCount++;
    while (this.heldCount > FRAG_HELD_MAX) this.releaseOldest();
    this.scheduleSweep(info.tsMs);
  }

  private scheduleSweep(nowMs: number): void {
    if (this.nextSweepMs === Infinity) this.nextSweepMs = nowMs + SWEEP_EVERY_MS;
  }

  private releaseOldest(): void {
    const [key, h] = this.held.entries().next().value as [string, HeldDatagram];
    this.held.delete(key);
    this.heldCount -= h.bytes.length;
    this.released.push(h);
    this.releasedCount += h.bytes.length;
    while (this.releasedCount > FRAG_HELD_MAX) {
      const old = this.released.shift() as HeldDatagram;
      this.releasedCount -= old.bytes.length;
      this.dropped += old.bytes.length;
    }
  }

  /** Forget first fragments and release held ones older than the timeout. */
  sweep(nowMs: number): void {
    const limit = nowMs - FRAG_TIMEOUT_MS;
    for (const [key, f] of this.firsts) {
      if (f.tsMs >= limit) break;
      this.firsts.delete(key);
    }
    for (const h of this.held.values()) {
      if (h.firstTs >= limit) break;
      this.releaseOldest();
    }
    this.nextSweepMs = this.firsts.size + this.held.size === 0 ? Infinity : nowMs + SWEEP_EVERY_MS;
  }

  /**
   * Hands every released fragment (and, with all = true, every still-held one) to cb, one at a time,
   * with info filled as a port-less later fragment. Returns how many.
   */
  drain(info: PacketInfo, cb: () => void, all: boolean): number {
    if (all) while (this.held.size > 0) this.releaseOldest();
    let n = 0;
    while (this.released.length > 0) {
      const h = this.released.shift() as HeldDatagram;
      this.releasedCount -= h.bytes.length;
      for (let i = 0; i < h.bytes.length; i++) {
        info.ipVersion = h.ipVersion;
        info.src.set(h.src);
        info.dst.set(h.dst);
        info.proto = h.proto;
        info.srcPort = 0;
        info.dstPort = 0;
        info.ipBytes = h.bytes[i];
        info.tcpFlags = 0;
        info.icmpType = -1;
        info.icmpCode = -1;
        info.vlan = h.vlan;
        info.laterFragment = true;
        info.heldBytes = 0;
        info.heldPackets = 0;
        info.payloadStart = 0;
        info.payloadEnd = 0;
        info.tsMs = h.ts[i];
        n++;
        cb();
      }
    }
    return n;
  }
}
