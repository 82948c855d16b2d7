/**
 * The generation loop of one lab capture. Kept out of a generator function on purpose: locals of a
 * generator live in a heap context, so every per-packet number would be boxed (slow, GC-heavy).
 * pump() runs until the writer has output waiting, then returns; state stays in fields between calls.
 */
import { LabConversationSim } from './lab-conv.js';
import type { LabSite } from './lab-site.js';
import { SpawnPicker } from './lab-spawn.js';
import { conversationKey, type LabConversation, type LabTruth } from './lab-truth.js';
import { FrameBuilder, PacketSpec } from './frames.js';
import { LINKTYPE, type CaptureWriter } from './pcap-writer.js';
import { Prng } from './prng.js';

export interface LabRunParams {
  site: LabSite;
  packets: number;
  startMs: number;
  seed: number;
  snaplen: number;
  concurrency: number;
  arpShare: number;
  linkTypes: number[];
  /** Capture time (ns from start) at which generation stops; Infinity = packet count only. */
  stopAtNs: number;
  meanGapNs: number;
}

export class LabRun {
  private readonly rng: Prng;
  private readonly spec = new PacketSpec();
  private readonly fb = new FrameBuilder();
  private readonly picker: SpawnPicker;
  private readonly finished: LabConversationSim[] = [];
  private readonly slots: LabConversationSim[] = [];
  private readonly arpIfs: number[];
  private readonly startSec: number;
  private readonly startNs: number;
  private tNs = 0;
  private frames = 0;
  private ipFrames = 0;
  private nonIp = 0;
  private fragments = 0;
  private ipBytes = 0;
  private firstMs = -1;
  private lastMs = 0;
  /** Set while a fragment burst is in progress (its fragments are written back to back). */
  private cur: LabConversationSim | null = null;
  private done = false;

  constructor(
    private readonly writer: CaptureWriter,
    private readonly o: LabRunParams,
  ) {
    this.rng = new Prng(o.seed);
    this.picker = new SpawnPicker(o.site, this.rng);
    this.arpIfs = o.linkTypes.map((l, i) => (l === LINKTYPE.ETHERNET ? i : -1)).filter((i) => i >= 0);
    this.startSec = Math.floor(o.startMs / 1000);
    this.startNs = (o.startMs - this.startSec * 1000) * 1e6;
    for (let i = 0; i < o.concurrency; i++) this.slots.push(this.spawn(true));
  }

  private spawn(pre: boolean): LabConversationSim {
    const rng = this.rng;
    const p = this.picker;
    p.next();
    const ifIndex = rng.int(this.o.linkTypes.length);
    return new LabConversationSim(p.tpl, p.client, p.server, ifIndex, this.o.linkTypes[ifIndex], pre, rng, this.o.site.dns);
  }

  /** Generate until `ready()` (checked after each packet) or the end; true when the capture is complete. */
  pump(ready: () => boolean): boolean {
    if (this.done) return true;
    const o = this.o;
    const rng = this.rng;
    const spec = this.spec;
    const fb = this.fb;
    const writer = this.writer;
    const slots = this.slots;
    const arpIfs = this.arpIfs;
    const startSec = this.startSec;
    const startNs = this.startNs;
    let tNs = this.tNs;
    let frames = this.frames;
    let ipFrames = this.ipFrames;
    let ipBytes = this.ipBytes;
    let fragments = this.fragments;
    let cur = this.cur;
    let firstMs = this.firstMs;
    let ms = this.lastMs;
    let paused = false;
    const room = Math.min(o.snaplen, 65535) + 128;
    const hosts = o.site.hosts;
    const routerMac = o.site.router.mac;

    while (cur !== null || (frames < o.packets && tNs < o.stopAtNs)) {
      tNs += cur !== null ? 2000 + rng.int(20_000) : Math.max(1, Math.round(rng.exp(o.meanGapNs)));
      const n = startNs + tNs;
      const secs = Math.floor(n / 1e9);
      const sec = startSec + secs;
      const nsec = n - secs * 1e9;
      ms = sec * 1000 + Math.floor(nsec / 1e6);
      if (firstMs < 0) firstMs = ms;

      if (cur === null && arpIfs.length > 0 && rng.chance(o.arpShare)) {
        const h = rng.pick(hosts);
        const frameLen = fb.buildArp(h.local ? h.mac : routerMac, h.v4, rng.pick(hosts).v4);
        writer.packet(fb.buf, 0, fb.capLen, frameLen, sec, nsec, rng.pick(arpIfs));
        frames++;
        this.nonIp++;
        continue;
      }
      let conv: LabConversationSim;
      if (cur !== null) {
        conv = cur;
        if (!conv.next(spec)) throw new Error('lab: fragment burst ended early');
      } else {
        const slot = rng.int(slots.length);
        conv = slots[slot];
        // A finished conversation is replaced; try again with the newcomer.
        while (!conv.next(spec)) {
          this.finished.push(conv);
          conv = slots[slot] = this.spawn(false);
        }
      }
      cur = conv.burst ? conv : null;

      // Built in place in the writer's buffer (no copy per packet).
      const at = writer.begin(room);
      const frameLen = fb.build(spec, o.snaplen, writer.buffer, at);
      writer.commit(fb.capLen, frameLen, sec, nsec, conv.ifIndex);
      const d = conv.dir;
      const b = fb.ipBytes;
      conv.bytes[d] += b;
      conv.packets[d]++;
      if (conv.proto === 6) conv.flags[d] |= spec.tcpFlags;
      if (conv.firstMs < 0) {
        conv.firstMs = ms;
        conv.firstDir = d;
      }
      conv.lastMs = ms;
      frames++;
      ipFrames++;
      ipBytes += b;
      if (spec.fragPayload > 0) fragments++;
      if (ready()) {
        paused = true;
        break;
      }
    }
    this.tNs = tNs;
    this.frames = frames;
    this.ipFrames = ipFrames;
    this.ipBytes = ipBytes;
    this.fragments = fragments;
    this.cur = cur;
    this.firstMs = firstMs;
    this.lastMs = ms;
    if (paused) return false;
    writer.flush();
    this.done = true;
    return true;
  }

  truth(): LabTruth {
    if (!this.done) throw new Error('lab: truth is available after the capture has been generated');
    return {
      conversations: collectTruth([...this.finished, ...this.slots]),
      frames: this.frames,
      ipFrames: this.ipFrames,
      nonIpFrames: this.nonIp,
      fragments: this.fragments,
      ipBytes: this.ipBytes,
      fileBytes: this.writer.bytes,
      firstMs: this.firstMs,
      lastMs: this.lastMs,
      linkTypes: this.o.linkTypes,
    };
  }
}

function collectTruth(convs: LabConversationSim[]): LabConversation[] {
  const byKey = new Map<string, LabConversation>();
  for (const c of convs) {
    if (c.firstMs < 0) continue; // never produced a packet
    const v6 = c.v6;
    const row: LabConversation = {
      client: (v6 ? c.client.text6 : c.client.text4) as string,
      clientPort: c.clientPort,
      server: (v6 ? c.server.text6 : c.server.text4) as string,
      serverPort: c.serverPort,
      proto: c.proto,
      ipVersion: v6 ? 6 : 4,
      vlan: c.vlan,
      bytesC2s: c.bytes[0],
      bytesS2c: c.bytes[1],
      packetsC2s: c.packets[0],
      packetsS2c: c.packets[1],
      tcpFlagsC2s: c.flags[0],
      tcpFlagsS2c: c.flags[1],
      firstSeen: c.firstMs,
      lastSeen: c.lastMs,
      handshake: c.handshake,
      preExisting: c.preExisting,
      firstFromServer: c.firstDir === 1,
      service: c.tpl.name,
      ifIndex: c.ifIndex,
    };
    const key = conversationKey(row);
    const prev = byKey.get(key);
    if (!prev) {
      byKey.set(key, row);
      continue;
    }
    // Same tuple reused later (port reuse): one conversation identity, counters summed.
    prev.bytesC2s += row.bytesC2s;
    prev.bytesS2c += row.bytesS2c;
    prev.packetsC2s += row.packetsC2s;
    prev.packetsS2c += row.packetsS2c;
    prev.tcpFlagsC2s |= row.tcpFlagsC2s;
    prev.tcpFlagsS2c |= row.tcpFlagsS2c;
    if (row.firstSeen < prev.firstSeen) {
      prev.firstSeen = row.firstSeen;
      prev.firstFromServer = row.firstFromServer;
      prev.preExisting = row.preExisting;
    }
    prev.lastSeen = Math.max(prev.lastSeen, row.lastSeen);
    prev.handshake ||= row.handshake;
  }
  return [...byKey.values()].sort((a, b) => a.firstSeen - b.firstSeen || (conversationKey(a) < conversationKey(b) ? -1 : 1));
}
