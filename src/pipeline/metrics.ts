/**
 * Prometheus metrics of the collectors: per-exporter counters read from the exporter health the
 * pipeline already keeps (HealthBook, kernel drops per socket) at scrape time, so nothing is counted
 * twice; the store's batch latency and the queue of records waiting for it. One registry per process
 * (tests create several), never prom-client's global one.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { ExporterHealthRow, Store } from '../store/store.js';
import type { RecordColumns } from '../store/record-columns.js';
import { isBatchSink } from './batcher.js';

/** What a running collector shows: read at every scrape. */
export interface CollectReadings {
  health(): ExporterHealthRow[];
  /** Records emitted and not yet handed to the store. */
  pending(): number;
}

type HealthCounter = 'datagrams' | 'records' | 'errors' | 'template_misses' | 'sequence_gaps' | 'kernel_drops';

const EXPORTER_COUNTERS: ReadonlyArray<[HealthCounter, string, string]> = [
  ['datagrams', 'flowmap_exporter_datagrams_total', 'export datagrams received from the exporter'],
  ['records', 'flowmap_exporter_records_total', 'flow records decoded from the exporter'],
  ['errors', 'flowmap_exporter_decode_errors_total', 'datagrams or sets that could not be decoded'],
  ['template_misses', 'flowmap_exporter_template_misses_total', 'data sets that arrived before their template'],
  ['sequence_gaps', 'flowmap_exporter_sequence_gaps_total', 'export packets missing by the sequence numbers'],
  ['kernel_drops', 'flowmap_exporter_kernel_drops_total', 'datagrams the kernel dropped on the socket the exporter sends to'],
];

const EXPORTER_LABELS = ['exporter', 'domain', 'protocol'] as const;

/** A fresh registry with the process metrics (RSS, CPU, event loop lag, heap). */
export function newRegistry(): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return registry;
}

export class CollectMetrics {
  private readonly sources: CollectReadings[] = [];
  readonly batchSeconds: Histogram;

  constructor(readonly registry: Registry) {
    const sources = this.sources;
    for (const [field, name, help] of EXPORTER_COUNTERS) {
      new Counter({
        name,
        help,
        labelNames: EXPORTER_LABELS,
        registers: [registry],
        // The totals live in the pipeline; a scrape copies them (a counter that only ever grows).
        collect() {
          this.reset();
          for (const s of sources) for (const h of s.health()) this.inc({ exporter: h.exporter, domain: String(h.domain), protocol: h.protocol }, h[field]);
        },
      });
    }
    new Gauge({
      name: 'flowmap_store_queue_records',
      help: 'records emitted by the collectors and not yet handed to the store',
      registers: [registry],
      collect() {
        this.set(sources.reduce((n, s) => n + s.pending(), 0));
      },
    });
    this.batchSeconds = new Histogram({
      name: 'flowmap_store_batch_seconds',
      help: 'time the store took to append one batch of records',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    });
  }

  /** A collector to read at every scrape (kept after it stops: counters must not go back). */
  watch(source: CollectReadings): void {
    this.sources.push(source);
  }

  /** The store with every append timed into flowmap_store_batch_seconds, in record or column form (batcher.ts). */
  timed(store: Store): Store {
    const hist = this.batchSeconds;
    const time = async (write: () => Promise<void>): Promise<void> => {
      const end = hist.startTimer();
      try {
        await write();
      } finally {
        end();
      }
    };
    const append = (records: Parameters<Store['append']>[0]): Promise<void> => time(() => store.append(records));
    const appendBatch = isBatchSink(store) ? (columns: RecordColumns): Promise<void> => time(() => store.appendBatch(columns)) : undefined;
    return new Proxy(store, {
      get(target, prop, receiver) {
        if (prop === 'append') return append;
        if (prop === 'appendBatch') return appendBatch;
        const v: unknown = Reflect.get(target, prop, receiver);
        return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
      },
    });
  }
}
