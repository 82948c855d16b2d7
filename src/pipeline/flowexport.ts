/**
 * export datagrams -> decoders -> pairing/aggregation -> store, with exporter health. The one path
 * shared by `flowmap collect` (live UDP, wall-clock time) and `flowmap ingest --exports` (datagrams
 * replayed from capture files, packet time).
 */
import type { ServiceLookup } from '../flow/direction.js';
import { FlowAggregator, type AggregatorStats } from '../flowexport/pairing/aggregator.js';
import type { ExportDecoders } from '../flowexport/decoders/index.js';
import { ExportDispatcher, type DispatchStats } from '../flowexport/dispatch.js';
import { HealthBook, type DatagramHint } from '../flowexport/model.js';
import type { ExporterHealthRow, Store } from '../store/store.js';
import { RecordBatcher } from './batcher.js';

export interface FlowExportContext {
  store: Store;
  services: ServiceLookup;
  /** sFlow conversations: idle and active timeouts (ms); the flows section of the config. */
  idleTimeoutMs: number;
  activeTimeoutMs: number;
  /** Bound on conversations held by the aggregator. */
  maxFlows: number;
  /** Conversations remembered after they are written (default CONVERSATION_MEMORY). */
  conversationMemory?: number;
  /** Per-exporter sampling rate for records that state none (config `exporters`). */
  samplingOverride?: (exporter: string) => number | undefined;
  /** Names this collector run in the saved exporter health. */
  run: string;
  makeDecoders: (health: HealthBook) => ExportDecoders;
  /** Records waiting for the store beyond this are dropped and counted (memory bound when the store is too slow). */
  maxPending?: number;
  batchSize?: number;
}

export interface FlowExportStats extends DispatchStats, AggregatorStats {
  /** Records handed to the store. */
  stored: number;
  /** Records dropped because the store fell too far behind. */
  overflow: number;
}

const DEFAULT_MAX_PENDING = 1_000_000;

export class FlowExportPipeline {
  readonly health = new HealthBook();
  readonly aggregator: FlowAggregator;
  readonly dispatcher: ExportDispatcher;
  readonly batcher: RecordBatcher;
  private pushed = 0;
  private overflow = 0;
  private readonly maxPending: number;
  /** Listener each exporter was last heard on (kernel drops are per socket). */
  private readonly listenerOf = new Map<string, number>();

  constructor(private readonly ctx: FlowExportContext) {
    this.maxPending = ctx.maxPending ?? DEFAULT_MAX_PENDING;
    this.batcher = new RecordBatcher(ctx.store, ctx.batchSize ?? 8_192);
    this.aggregator = new FlowAggregator({
      services: ctx.services,
      idleTimeoutMs: ctx.idleTimeoutMs,
      activeTimeoutMs: ctx.activeTimeoutMs,
      maxOpen: ctx.maxFlows,
      conversationMemory: ctx.conversationMemory,
      samplingOverride: ctx.samplingOverride,
      emit: (r) => {
        if (this.pushed - this.batcher.written >= this.maxPending) {
          this.overflow++;
          return;
        }
        this.pushed++;
        this.batcher.push(r);
      },
    });
    this.dispatcher = new ExportDispatcher(ctx.makeDecoders(this.health), this.aggregator);
  }

  /** One UDP payload from `exporter`; `listener` indexes the socket it came in on (-1: replayed). */
  datagram(buf: Buffer, exporter: string, receivedMs: number, hint: DatagramHint, listener = -1): void {
    if (listener >= 0 && this.listenerOf.get(exporter) !== listener) this.listenerOf.set(exporter, listener);
    this.dispatcher.datagram(buf, exporter, receivedMs, hint);
  }

  /** Records emitted and not yet handed to the store. */
  get pending(): number {
    return this.pushed - this.batcher.written;
  }

  get stats(): FlowExportStats {
    return { ...this.dispatcher.stats, ...this.aggregator.stats, stored: this.batcher.written, overflow: this.overflow };
  }

  /** Hand full batches to the store; waits only when too many appends are outstanding. */
  pump(): Promise<void> {
    return this.batcher.maybeFlush();
  }

  /** Time passes (wall clock when live): write out what has waited long enough, and store it. */
  async tick(nowMs: number): Promise<void> {
    this.aggregator.expire(nowMs);
    await this.batcher.flush();
  }

  /** End of input or stop: everything held goes to the store, then the health. */
  async finish(kernelDrops?: (listener: number) => number): Promise<void> {
    this.dispatcher.finish();
    this.aggregator.flushAll();
    await this.batcher.flush();
    await this.saveHealth(kernelDrops);
  }

  async saveHealth(kernelDrops?: (listener: number) => number): Promise<void> {
    await this.ctx.store.saveExporterHealth(this.ctx.run, this.healthRows(kernelDrops));
  }

  healthRows(kernelDrops?: (listener: number) => number): ExporterHealthRow[] {
    return this.health.all().map((h) => {
      const l = this.listenerOf.get(h.exporter);
      return {
        exporter: h.exporter,
        domain: h.domain,
        protocol: h.protocol,
        datagrams: h.datagrams,
        records: h.records,
        sequence_gaps: h.sequenceGaps,
        template_misses: h.templateMisses,
        errors: h.errors,
        error_reasons: { ...h.errorReasons },
        sampling_rate: h.samplingRate,
        kernel_drops: l === undefined || !kernelDrops ? 0 : kernelDrops(l),
        last_seen: h.lastSeen > 0 ? new Date(h.lastSeen).toISOString() : null,
      };
    });
  }
}
