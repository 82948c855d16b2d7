/**
 * Turns the stream of exported flows into the client/server FlowRecords that captures produce.
 *
 * - NetFlow v5/v9 and IPFIX send one record per direction: the two halves of a conversation (same
 *   exporter, same tuple reversed) are paired when they meet within `pairWindowMs` of receive time,
 *   in either order and from different datagrams. A half whose partner does not come is stored alone.
 * - IPFIX biflow records (reverse counters, or an exporter-stated initiator) are whole already.
 * - sFlow sends sampled packets: they are summed per conversation and written out on the idle and
 *   active timeouts, like the capture flow table does.
 * Counters are scaled by the sampling rate (the record's when above 1, else the per-exporter override,
 * else 1).
 * Memory is bounded by `maxOpen`: beyond it the oldest conversations are written out early.
 */
import type { ServiceLookup } from '../../flow/direction.js';
import type { FlowRecord } from '../../flow/record.js';
import { isIcmp } from '../../flow/conversation.js';
import { ExportConversation } from './conversation.js';
import { CONVERSATION_MEMORY } from '../../flow/conversation-memory.js';
import { HashedConversationMemory } from '../../flow/hashed-memory.js';
import { Hash53 } from '../../util/hash53.js';
import { OldestCursor } from '../../util/oldest-cursor.js';
import type { ExportedFlow, ExportFamily } from '../model.js';

export interface AggregatorOptions {
  services: ServiceLookup;
  emit: (record: FlowRecord) => void;
  /** How long a half waits for its reverse half (receive time, ms). */
  pairWindowMs?: number;
  /** sFlow conversations: written out after this long without a sample (ms). */
  idleTimeoutMs: number;
  /** sFlow conversations: written out and restarted after this long (ms). */
  activeTimeoutMs: number;
  /** Bound on conversations held (halves waiting plus sFlow conversations). */
  maxOpen: number;
  /**
   * Conversations remembered after their records are written (sides and last time, so continuations
   * keep their sides and are not counted again): at most this many. Default CONVERSATION_MEMORY.
   */
  conversationMemory?: number;
  /** Sampling rate for an exporter address whose records state none (or 1); else the records' rate, or 1. */
  samplingOverride?: (exporter: string) => number | undefined;
}

export interface AggregatorStats {
  /** Exported flows taken in. */
  flows: number;
  /** Records emitted from two halves paired. */
  paired: number;
  /** Records emitted from one half whose partner never came within the window. */
  unpaired: number;
  /** Biflow records emitted as they came. */
  biflows: number;
  /** Records emitted from sFlow samples. */
  sampled: number;
  /** Conversations written out early because `maxOpen` was reached. */
  evicted: number;
}

export const DEFAULT_PAIR_WINDOW_MS = 15_000;

export class FlowAggregator {
  /**
   * Halves waiting for their partner, oldest first (Map keeps insertion order), by 53-bit key
   * (Hash53): hashing the tuple's parts costs a fraction of building and hashing a key text, and
   * leaves no garbage.
   */
  private readonly halves = new Map<number, ExportConversation>();
  /** sFlow conversations. */
  private readonly sampled = new Map<number, ExportConversation>();
  private readonly hash = new Hash53();
  /** The provenance text's hash, the seed of every key from that exporter. */
  private sourceH1 = 0;
  private sourceH2 = 0;
  /** The oldest conversation of each map, for makeRoom (conversations only join at the end). */
  private readonly halvesCursor = new OldestCursor(this.halves, () => this.halves.values());
  private readonly sampledCursor = new OldestCursor(this.sampled, () => this.sampled.values());
  private readonly pairWindowMs: number;
  private nextScan = 0;
  private now = 0;
  private lastExporter = '';
  private lastDomain = -1;
  private lastFamily: ExportFamily | null = null;
  private source = '';
  private held: ExportedFlow | null = null;
  private heldFamily: ExportFamily = 'netflow';
  private heldMs = 0;
  /** Decided conversations beyond those held (conversation-memory.ts). */
  readonly conversations: HashedConversationMemory;
  readonly stats: AggregatorStats = { flows: 0, paired: 0, unpaired: 0, biflows: 0, sampled: 0, evicted: 0 };

  constructor(private readonly opts: AggregatorOptions) {
    this.pairWindowMs = opts.pairWindowMs ?? DEFAULT_PAIR_WINDOW_MS;
    this.conversations = new HashedConversationMemory(opts.conversationMemory ?? CONVERSATION_MEMORY);
  }

  /** A conversation's record, decided and counted with the memory of conversations written before. */
  private record(c: ExportConversation): FlowRecord {
    return c.toRecord(this.opts.services, this.conversations, this.opts.idleTimeoutMs);
  }

  /** Conversations held. */
  get size(): number {
    return this.halves.size + this.sampled.size + (this.held === null ? 0 : 1);
  }

  /** Take one exported flow, received at `receivedMs` (epoch ms; packet time when replaying a capture). */
  add(f: ExportedFlow, family: ExportFamily, receivedMs: number): void {
    this.stats.flows++;
    const half = family !== 'sflow' && f.reverseBytes === 0 && f.reversePackets === 0 && f.initiator === null;
    // Exporters that track both directions (softflowd, pmacct, many probes) send the two halves one
    // after the other: the previous half is held back one flow, and such pairs never touch the map.
    const h = this.held;
    if (h !== null) {
      this.held = null;
      if (half && family === this.heldFamily && isReverse(h, f)) {
        const c = this.place(h, this.heldFamily, this.heldMs, false);
        this.place(f, family, receivedMs, false, c);
        this.stats.paired++;
        this.opts.emit(this.record(c));
        this.advance(receivedMs);
        return;
      } else {
        this.place(h, this.heldFamily, this.heldMs, true);
      }
    }
    this.advance(receivedMs);
    if (half) {
      this.held = f;
      this.heldFamily = family;
      this.heldMs = receivedMs;
      return;
    }
    this.place(f, family, receivedMs, true);
  }

  /** Receive time moves on: expiry scans a few times per window. */
  private advance(receivedMs: number): void {
    if (receivedMs > this.now) {
      this.now = receivedMs;
      if (receivedMs >= this.nextScan) this.expire(receivedMs);
    }
  }

  /**
   * Account one flow and return its conversation. `into` given: add it to that one. `keyed` false:
   * make a conversation outside the maps (the caller pairs it with the adjacent half at once).
   */
  private place(f: ExportedFlow, family: ExportFamily, receivedMs: number, keyed: boolean, into?: ExportConversation): ExportConversation {
    // A rate above 1 in the records wins; 1 or none (NetFlow v5 fills 0 when it says nothing, read
    // as 1) gives way to the configured override for the exporter.
    const rate = f.samplingRate > 1 ? f.samplingRate : (this.opts.samplingOverride?.(f.exporter) ?? (f.samplingRate || 1));
    const srcPort = f.srcPort;
    let dstPort = f.dstPort;
    let icmpType = -1;
    if (isIcmp(f.proto) && srcPort === 0) {
      // NetFlow/IPFIX carry ICMP type and code as type*256+code in the destination port: a role, not a port.
      icmpType = dstPort >>> 8;
      dstPort = 0;
    }
    // Canonical order: side 0 is the smaller (address, port) end, so both halves find one key.
    const srcIs0 = f.src < f.dst || (f.src === f.dst && srcPort <= dstPort);
    const side: 0 | 1 = srcIs0 ? 0 : 1;
    const a = srcIs0 ? f.src : f.dst;
    const b = srcIs0 ? f.dst : f.src;
    const pa = srcIs0 ? srcPort : dstPort;
    const pb = srcIs0 ? dstPort : srcPort;
    // Consecutive flows come from one datagram: the provenance text is made once per exporter change.
    if (f.exporter !== this.lastExporter || f.domain !== this.lastDomain || family !== this.lastFamily) {
      this.lastExporter = f.exporter;
      this.lastDomain = f.domain;
      this.lastFamily = family;
      this.source = `${family}:${f.exporter}/${f.domain}`;
      this.hash.start(0, 0).text(this.source);
      this.sourceH1 = this.hash.h1;
      this.sourceH2 = this.hash.h2;
    }
    const source = this.source;
    if (into !== undefined) {
      into.add(f, side, rate, icmpType, false, receivedMs);
      return into;
    }
    const key = this.hash.start(this.sourceH1, this.sourceH2).word((f.proto << 16) | f.vlan).text(a).word((pa << 16) | pb).text(b).value();
    if (!keyed) {
      const c = new ExportConversation(key, source, f.proto, f.ipVersion, f.vlan, a, pa, b, pb, side, rate, receivedMs);
      c.add(f, side, rate, icmpType, false, receivedMs);
      return c;
    }

    if (family === 'sflow') {
      let c = this.lookup(this.sampled, key, source, f, a, pa, b, pb);
      if (c === undefined) {
        this.makeRoom();
        c = new ExportConversation(key, source, f.proto, f.ipVersion, f.vlan, a, pa, b, pb, side, rate, receivedMs);
        this.sampled.set(key, c);
        this.sampledCursor.changed();
      }
      c.add(f, side, rate, icmpType, true, receivedMs);
      return c;
    }
    if (f.reverseBytes > 0 || f.reversePackets > 0 || f.initiator !== null) {
      const c = new ExportConversation(key, source, f.proto, f.ipVersion, f.vlan, a, pa, b, pb, side, rate, receivedMs);
      c.add(f, side, rate, icmpType, false, receivedMs);
      this.stats.biflows++;
      this.opts.emit(this.record(c));
      return c;
    }
    const waiting = this.lookup(this.halves, key, source, f, a, pa, b, pb);
    if (waiting === undefined) {
      this.makeRoom();
      const c = new ExportConversation(key, source, f.proto, f.ipVersion, f.vlan, a, pa, b, pb, side, rate, receivedMs);
      c.add(f, side, rate, icmpType, false, receivedMs);
      this.halves.set(key, c);
      this.halvesCursor.changed();
      return c;
    }
    const other = side === 0 ? 1 : 0;
    // Same direction again (e.g. an active-timeout slice): it joins the waiting half.
    waiting.add(f, side, rate, icmpType, false, receivedMs);
    if (waiting.seen(other)) {
      this.halves.delete(key);
      this.halvesCursor.changed();
      this.stats.paired++;
      this.opts.emit(this.record(waiting));
    }
    return waiting;
  }

  /**
   * The conversation held under `key` if it is this tuple's. Another one there (a hash collision,
   * about one in 10^11 lookups) is written out at once, unpaired or early, never merged.
   */
  private lookup(map: Map<number, ExportConversation>, key: number, source: string, f: ExportedFlow, a: string, pa: number, b: string, pb: number): ExportConversation | undefined {
    const c = map.get(key);
    if (c === undefined || c.is(source, f.proto, f.vlan, a, pa, b, pb)) return c;
    map.delete(key);
    if (map === this.halves) {
      this.halvesCursor.changed();
      this.stats.unpaired++;
    } else {
      this.sampledCursor.changed();
      this.stats.sampled++;
    }
    this.opts.emit(this.record(c));
    return undefined;
  }

  /** The flow held back for the adjacent-pair fast path goes the normal way. */
  private release(): void {
    const h = this.held;
    if (h === null) return;
    this.held = null;
    this.place(h, this.heldFamily, this.heldMs, true);
  }

  /**
   * Write out halves whose window has passed and sFlow conversations past their timeouts, as of
   * `nowMs` (receive time). Called as flows come, and by the wall clock when collecting live.
   */
  expire(nowMs: number): void {
    if (nowMs > this.now) this.now = nowMs;
    this.release();
    // Halves are held oldest first: stop at the first one still inside its window.
    for (const c of this.halves.values()) {
      if (nowMs - c.created < this.pairWindowMs) break;
      this.halves.delete(c.key);
      this.halvesCursor.changed();
      this.stats.unpaired++;
      this.opts.emit(this.record(c));
    }
    const { idleTimeoutMs, activeTimeoutMs } = this.opts;
    for (const c of this.sampled.values()) {
      if (nowMs - c.updated >= idleTimeoutMs || nowMs - c.created >= activeTimeoutMs) {
        this.sampled.delete(c.key);
        this.sampledCursor.changed();
        this.stats.sampled++;
        this.opts.emit(this.record(c));
      }
    }
    // Checked a few times per window: records leave at most a quarter window late.
    this.nextScan = nowMs + Math.max(100, Math.min(this.pairWindowMs, idleTimeoutMs, activeTimeoutMs) / 4);
  }

  /** Write out everything held (end of input, or stop). */
  flushAll(): void {
    this.release();
    for (const c of this.halves.values()) {
      this.stats.unpaired++;
      this.opts.emit(this.record(c));
    }
    this.halves.clear();
    for (const c of this.sampled.values()) {
      this.stats.sampled++;
      this.opts.emit(this.record(c));
    }
    this.sampled.clear();
  }

  /** At the bound: write out the oldest conversation of the larger map. */
  private makeRoom(): void {
    if (this.size < this.opts.maxOpen) return;
    const from = this.halves.size >= this.sampled.size ? this.halves : this.sampled;
    const oldest = (from === this.halves ? this.halvesCursor : this.sampledCursor).next();
    if (oldest === undefined) return;
    from.delete(oldest.key);
    this.stats.evicted++;
    if (from === this.halves) this.stats.unpaired++;
    else this.stats.sampled++;
    this.opts.emit(this.record(oldest));
  }
}

/** g is f's other half: same exporter and tuple, reversed. */
function isReverse(f: ExportedFlow, g: ExportedFlow): boolean {
  return (
    f.src === g.dst && f.dst === g.src && f.srcPort === g.dstPort && f.dstPort === g.srcPort && f.proto === g.proto &&
    f.vlan === g.vlan && f.exporter === g.exporter && f.domain === g.domain
  );
}
