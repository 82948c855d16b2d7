import type { ExportedFlow, ExporterHealth, HealthBook } from '../../model.js';
import { SKIP_REASON_NAMES } from '../../../decode/packet.js';
import { kindFor } from './fields.js';
import { RecordDecoder } from './records.js';
import { DEFAULT_LIMITS, DomainState, ExporterState, type HeldSet, type NetflowLimits, type PacketContext, type TemplateEntry } from './state.js';
import { compileTemplate, VARIABLE, type Template } from './template.js';

const V9_HEADER = 20;
const IPFIX_HEADER = 16;
/** Exporter addresses remembered at most (oldest forgotten first), and domains per exporter accepted. */
const MAX_EXPORTERS = 10_000;
const MAX_DOMAINS_PER_EXPORTER = 1024;
const SWEEP_EVERY_MS = 1000;

const kindV9 = (id: number, pen: number) => kindFor(id, pen, true);
const kindIpfix = (id: number, pen: number) => kindFor(id, pen, false);

/**
 * NetFlow v9 (RFC 3954) and IPFIX (RFC 7011): one template machinery for both. Templates are kept per
 * (exporter address, version, source id / observation domain, template id), bounded per exporter and
 * in total (oldest evicted, counted). Data sets whose template is unknown are held (bounded, copied)
 * and decoded when it comes, or counted as template misses when dropped.
 */
export class TemplatedDecoder {
  private readonly exporters = new Map<string, ExporterState>();
  private readonly allTemplates = new Set<TemplateEntry>();
  private readonly allHeld = new Set<HeldSet>();
  private heldTotal = 0;
  private nextSweepMs = 0;
  private readonly records = new RecordDecoder();
  private readonly limits: NetflowLimits;
  /** Reused per datagram; held sets take a copy. */
  private readonly ctx: PacketContext = { exporter: '', domain: null as unknown as DomainState, exportMs: 0, sysUptime: -1 };
  // Field specifiers of the template being parsed (reused).
  private readonly ids: number[] = [];
  private readonly pens: number[] = [];
  private readonly lens: number[] = [];

  constructor(private readonly health: HealthBook, limits?: Partial<NetflowLimits>) {
    this.limits = { ...DEFAULT_LIMITS, ...limits };
  }

  decode(buf: Buffer, exporter: string, receivedMs: number, emit: (flow: ExportedFlow) => void, v9: boolean): void {
    if (receivedMs >= this.nextSweepMs) this.sweep(receivedMs);
    const protocol = v9 ? 'netflow-v9' : 'ipfix';
    const hdr = v9 ? V9_HEADER : IPFIX_HEADER;
    if (buf.length < hdr) {
      const h = this.health.get(exporter, 0, protocol);
      h.datagrams++;
      h.lastSeen = receivedMs;
      this.health.error(h, 'truncated header');
      return;
    }
    const domainId = buf.readUInt32BE(v9 ? 16 : 12);
    const ds = this.domain(exporter, v9, domainId, protocol);
    if (ds === null) {
      const h0 = this.health.get(exporter, 0, protocol);
      h0.datagrams++;
      h0.lastSeen = receivedMs;
      this.health.error(h0, 'too many source ids / observation domains');
      return;
    }
    const h = ds.health;
    h.datagrams++;
    h.lastSeen = receivedMs;
    let end = buf.length;
    if (!v9) {
      const len = buf.readUInt16BE(2);
      if (len < IPFIX_HEADER) {
        this.health.error(h, 'message length below header');
        return;
      }
      if (len > end) this.health.error(h, 'message length beyond datagram');
      else end = len;
    }
    const c = this.ctx;
    c.exporter = exporter;
    c.domain = ds;
    c.exportMs = buf.readUInt32BE(v9 ? 8 : 4) * 1000;
    c.sysUptime = v9 ? buf.readUInt32BE(4) : -1;
    const seq = buf.readUInt32BE(v9 ? 12 : 8);
    const tplSet = v9 ? 0 : 2;
    const optSet = v9 ? 1 : 3;
    let units = 0;
    let optionUnits = 0;
    let held = false;
    let off = hdr;
    while (end - off >= 4) {
      const setId = buf.readUInt16BE(off);
      const setLen = buf.readUInt16BE(off + 2);
      if (setLen < 4) {
        if (setId !== 0 || setLen !== 0) this.health.error(h, 'set length below 4');
        break; // all-zero: padding after the last set
      }
      if (off + setLen > end) {
        this.health.error(h, 'set length beyond datagram');
        break;
      }
      const body = off + 4;
      const setEnd = off + setLen;
      if (setId === tplSet) this.templates(buf, body, setEnd, ds, v9, false, receivedMs, emit);
      else if (setId === optSet) this.templates(buf, body, setEnd, ds, v9, true, receivedMs, emit);
      else if (setId >= 256) {
        let t = ds.templates.get(setId)?.template;
        if (t !== undefined && receivedMs - t.refreshedMs > this.limits.templateTtlMs) {
          this.forget(ds.templates.get(setId)!);
          this.health.error(h, 'template expired');
          t = undefined;
        }
        if (t === undefined) {
          this.hold(ds, setId, buf, body, setEnd, receivedMs);
          held = true;
        } else {
          const n = this.dataSet(buf, body, setEnd, t, c, emit);
          units += n;
          if (t.options) optionUnits += n;
        }
      } else {
        this.health.error(h, 'reserved set id');
      }
      off = setEnd;
    }
    if (v9) ds.sequence.track(seq, 1, h);
    else ds.sequence.track(seq, held ? -1 : units, h, units - optionUnits);
  }

  /** Drop everything still held (end of input): each held set counts as a template miss. */
  finish(): void {
    for (const s of [...this.allHeld]) this.dropHeld(s, true);
  }

  /** Data records of one set; returns records walked (IPFIX sequence units). */
  private dataSet(buf: Buffer, body: number, end: number, t: Template, c: PacketContext, emit: (f: ExportedFlow) => void): number {
    const h = c.domain.health;
    if (t.minLen === 0) {
      this.health.error(h, 'zero-length template');
      return 0;
    }
    const rd = this.records;
    rd.emitted = 0;
    rd.addressless = 0;
    let walked = rd.decodeSet(buf, body, end, t, c, emit);
    if (walked < 0) {
      walked = -1 - walked;
      this.health.error(h, 'record beyond set');
    }
    h.records += rd.emitted;
    if (rd.addressless > 0) this.count(h, 'record without IP addresses', rd.addressless);
    const skips = rd.frameSkips;
    for (let i = 1; i < skips.length; i++) {
      if (skips[i] === 0) continue;
      this.count(h, `sampled frame: ${SKIP_REASON_NAMES[i]}`, skips[i]);
      skips[i] = 0;
    }
    return walked;
  }

  private count(h: ExporterHealth, reason: string, n: number): void {
    h.errors += n;
    h.errorReasons[reason] = (h.errorReasons[reason] ?? 0) + n;
  }

  private templates(
    buf: Buffer, p: number, end: number, ds: DomainState, v9: boolean, options: boolean, now: number,
    emit: (f: ExportedFlow) => void,
  ): void {
    const h = ds.health;
    const head = options ? 6 : 4;
    while (end - p >= head) {
      const id = buf.readUInt16BE(p);
      const a = buf.readUInt16BE(p + 2);
      const b = options ? buf.readUInt16BE(p + 4) : 0;
      p += head;
      let count: number;
      let scope: number;
      if (v9 && options) {
        // v9 options templates give the scope and option parts as byte lengths.
        if (a % 4 !== 0 || b % 4 !== 0) {
          this.health.error(h, 'options template length not a multiple of 4');
          return;
        }
        count = (a + b) / 4;
        scope = a / 4;
      } else {
        count = a;
        scope = b;
      }
      if (id === 0 && count === 0) return; // zero padding
      if (!v9 && count === 0) {
        this.withdraw(ds, id, options);
        continue;
      }
      if (id < 256) {
        this.health.error(h, 'template id below 256');
        return;
      }
      if (count === 0) {
        this.health.error(h, 'template without fields');
        continue;
      }
      if (options && scope === 0 && !v9) {
        this.health.error(h, 'options template without scope');
      }
      const ids = this.ids;
      const pens = this.pens;
      const lens = this.lens;
      ids.length = pens.length = lens.length = 0;
      let bad = false;
      for (let i = 0; i < count; i++) {
        if (end - p < 4) {
          this.health.error(h, 'template beyond set');
          return;
        }
        let id16 = buf.readUInt16BE(p);
        const len = buf.readUInt16BE(p + 2);
        p += 4;
        let pen = 0;
        if (!v9 && id16 & 0x8000) {
          if (end - p < 4) {
            this.health.error(h, 'template beyond set');
            return;
          }
          id16 &= 0x7fff;
          pen = buf.readUInt32BE(p);
          p += 4;
        }
        if (v9 && len === VARIABLE) bad = true;
        ids.push(id16);
        pens.push(pen);
        lens.push(len);
      }
      if (bad) {
        this.health.error(h, 'field length 65535 in v9 template');
        continue;
      }
      const t = compileTemplate(id, ids, pens, lens, v9 ? kindV9 : kindIpfix, options, v9 && options ? scope : 0, now);
      if (t.minLen === 0) {
        this.health.error(h, 'zero-length template');
        continue;
      }
      this.store(ds, t, emit);
    }
  }

  private store(ds: DomainState, t: Template, emit: (f: ExportedFlow) => void): void {
    const old = ds.templates.get(t.id);
    if (old !== undefined && old.template.signature === t.signature) {
      old.template.refreshedMs = t.refreshedMs;
      // Move to the newest end of the age order.
      ds.exporter.templates.delete(old);
      ds.exporter.templates.add(old);
      this.allTemplates.delete(old);
      this.allTemplates.add(old);
      return;
    }
    if (old !== undefined) this.forget(old);
    const entry: TemplateEntry = { domain: ds, template: t };
    ds.templates.set(t.id, entry);
    ds.exporter.templates.add(entry);
    this.allTemplates.add(entry);
    while (ds.exporter.templates.size > this.limits.templatesPerExporter) this.evict(ds.exporter.templates.values().next().value!);
    while (this.allTemplates.size > this.limits.templatesTotal) this.evict(this.allTemplates.values().next().value!);
    if (ds.exporter.held.size > 0 && ds.templates.get(t.id) === entry) this.release(ds, t, emit);
  }

  private evict(e: TemplateEntry): void {
    this.forget(e);
    this.health.error(e.domain.health, 'template cache full (oldest evicted)');
  }

  private forget(e: TemplateEntry): void {
    const ds = e.domain;
    if (ds.templates.get(e.template.id) === e) ds.templates.delete(e.template.id);
    ds.exporter.templates.delete(e);
    this.allTemplates.delete(e);
  }

  /** IPFIX template withdrawal: one id, or all (options) templates of the domain (id 2 / 3). */
  private withdraw(ds: DomainState, id: number, options: boolean): void {
    if (id === (options ? 3 : 2)) {
      for (const e of [...ds.templates.values()]) if (e.template.options === options) this.forget(e);
      return;
    }
    const e = ds.templates.get(id);
    if (e !== undefined) this.forget(e);
    else this.health.error(ds.health, 'withdrawal of an unknown template');
  }

  private hold(ds: DomainState, templateId: number, buf: Buffer, body: number, end: number, receivedMs: number): void {
    const len = end - body;
    const ex = ds.exporter;
    if (len > this.limits.heldBytesPerExporter) {
      ds.health.templateMisses++;
      return;
    }
    const c = this.ctx;
    const s: HeldSet = {
      domain: ds, templateId, data: Buffer.from(buf.subarray(body, end)),
      ctx: { exporter: c.exporter, domain: ds, exportMs: c.exportMs, sysUptime: c.sysUptime }, receivedMs,
    };
    ex.held.add(s);
    this.allHeld.add(s);
    ex.heldBytes += len;
    this.heldTotal += len;
    while (ex.heldBytes > this.limits.heldBytesPerExporter) this.dropHeld(ex.held.values().next().value!, true);
    while (this.heldTotal > this.limits.heldBytesTotal) this.dropHeld(this.allHeld.values().next().value!, true);
  }

  private dropHeld(s: HeldSet, miss: boolean): void {
    const ex = s.domain.exporter;
    ex.held.delete(s);
    this.allHeld.delete(s);
    ex.heldBytes -= s.data.length;
    this.heldTotal -= s.data.length;
    if (miss) s.domain.health.templateMisses++;
  }

  /** A template arrived: decode the sets held for it, oldest first. */
  private release(ds: DomainState, t: Template, emit: (f: ExportedFlow) => void): void {
    for (const s of [...ds.exporter.held]) {
      if (s.domain !== ds || s.templateId !== t.id) continue;
      this.dropHeld(s, false);
      this.dataSet(s.data, 0, s.data.length, t, s.ctx, emit);
    }
  }

  private sweep(now: number): void {
    this.nextSweepMs = now + SWEEP_EVERY_MS;
    for (const s of this.allHeld) {
      if (now - s.receivedMs <= this.limits.holdMs) break;
      this.dropHeld(s, true);
    }
  }

  /** The state of one domain, created on first sight; null beyond MAX_DOMAINS_PER_EXPORTER. */
  private domain(exporter: string, v9: boolean, id: number, protocol: 'netflow-v9' | 'ipfix'): DomainState | null {
    let ex = this.exporters.get(exporter);
    if (ex === undefined) {
      if (this.exporters.size >= MAX_EXPORTERS) this.dropExporter(this.exporters.values().next().value!);
      ex = new ExporterState(exporter);
      this.exporters.set(exporter, ex);
    }
    const key = (v9 ? 0 : 0x100000000) + id;
    let ds = ex.domains.get(key);
    if (ds === undefined) {
      // Each domain has its health entry for good: refuse new ones beyond the bound, do not evict.
      if (ex.domains.size >= MAX_DOMAINS_PER_EXPORTER) return null;
      ds = new DomainState(ex, id, this.health.get(exporter, id, protocol), this.limits.samplersPerDomain);
      ex.domains.set(key, ds);
    }
    return ds;
  }

  private dropExporter(ex: ExporterState): void {
    for (const e of [...ex.templates]) this.forget(e);
    for (const s of [...ex.held]) this.dropHeld(s, true);
    this.exporters.delete(ex.address);
  }
}
