import type { ExporterHealth } from '../../model.js';
import { SequenceTracker } from '../common/sequence.js';
import type { Template } from './template.js';

/** What the records of one export packet share (a held copy keeps its own). */
export interface PacketContext {
  exporter: string;
  domain: DomainState;
  /** Export time from the header, epoch ms. */
  exportMs: number;
  /** v9 header sysUptime (ms); -1 for IPFIX. */
  sysUptime: number;
}

/** Bounds that keep memory finite whatever the exporters send. */
export interface NetflowLimits {
  /** Templates (data + options) per exporter address, across its domains. */
  templatesPerExporter: number;
  templatesTotal: number;
  /** Bytes of data held for want of a template, per exporter and in total. */
  heldBytesPerExporter: number;
  heldBytesTotal: number;
  /** Held data older than this (receive time) is dropped as a template miss. */
  holdMs: number;
  /** Templates not refreshed for this long are forgotten (RFC 7011 UDP template lifetime). */
  templateTtlMs: number;
  /** Sampler ids remembered per domain. */
  samplersPerDomain: number;
}

export const DEFAULT_LIMITS: NetflowLimits = {
  templatesPerExporter: 512,
  templatesTotal: 16_384,
  heldBytesPerExporter: 1 << 20,
  heldBytesTotal: 32 << 20,
  holdMs: 30 * 60_000,
  templateTtlMs: 2 * 60 * 60_000,
  samplersPerDomain: 256,
};

/** One data set waiting for its template: a copy of its records and of its packet's context. */
export interface HeldSet {
  readonly domain: DomainState;
  readonly templateId: number;
  readonly data: Buffer;
  readonly ctx: PacketContext;
  readonly receivedMs: number;
}

/** Per (exporter, protocol version, source id / observation domain): templates, samplers, sequence. */
export class DomainState {
  readonly templates = new Map<number, TemplateEntry>();
  private readonly samplers = new Map<number, number>();
  /** Rate from options data without a sampler id; 0 = unknown. */
  defaultRate = 0;
  /** systemInitTimeMilliseconds from options data: base of IPFIX flowStart/EndSysUpTime. */
  systemInitMs = -1;
  readonly sequence = new SequenceTracker();

  constructor(
    readonly exporter: ExporterState,
    readonly domain: number,
    readonly health: ExporterHealth,
    private readonly maxSamplers: number,
  ) {}

  setSampler(id: number, rate: number): void {
    if (!this.samplers.has(id) && this.samplers.size >= this.maxSamplers) {
      const oldest = this.samplers.keys().next();
      if (oldest.done !== true) this.samplers.delete(oldest.value);
    }
    this.samplers.set(id, rate);
  }

  samplerRate(id: number): number {
    return this.samplers.get(id) ?? this.defaultRate;
  }
}

/** Per exporter address: its domains and its templates in age order (oldest first). */
export class ExporterState {
  readonly domains = new Map<number, DomainState>();
  readonly templates = new Set<TemplateEntry>();
  /** Held data sets, oldest first. */
  readonly held = new Set<HeldSet>();
  heldBytes = 0;
  constructor(readonly address: string) {}
}

export interface TemplateEntry {
  readonly domain: DomainState;
  readonly template: Template;
}
