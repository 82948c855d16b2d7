import { Worker } from 'node:worker_threads';
import type { FlowFilter } from '../filter/filter.js';
import type { FlowRecord } from '../flow/record.js';
import type { NameRow } from '../names/names.js';
import { FlowmapError, UsageError } from '../util/errors.js';
import { toColumns, type RecordColumns } from './record-columns.js';
import type { EdgeRef, EdgeSeriesRow, ExporterHealthRow, KeyedSeriesRow, SeriesKeys, TopPerKind, TopPerRow, SeriesRow, SocketQuery, SocketRow, SourceRow, Store, StoreMark, StoreStats, TopKind, TopRows } from './store.js';
import type { StoreRequest, StoreResponse, WireError, WorkerInit } from './worker-protocol.js';

type Pending = { resolve: (v: unknown) => void; reject: (e: Error) => void };
type Request = StoreRequest extends infer R ? (R extends { id: number } ? Omit<R, 'id'> : never) : never;

/**
 * A Store whose backend runs in a worker thread. Calls are queued in order; `append` returns once
 * the worker has stored the batch, so callers may keep a bounded number of appends in flight.
 */
export class WorkerStore implements Store {
  private readonly worker: Worker;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private failure: Error | null = null;

  constructor(spec: string | undefined, opts: { readOnly?: boolean; shared?: boolean; backlogRecords?: number } = {}) {
    const data: WorkerInit = { spec, readOnly: opts.readOnly === true, shared: opts.shared === true, backlogRecords: opts.backlogRecords };
    this.worker = new Worker(new URL('./worker-main.js', import.meta.url), { workerData: data });
    this.worker.on('message', (res: StoreResponse) => {
      const p = this.pending.get(res.id);
      if (!p) return;
      this.pending.delete(res.id);
      if (res.ok) p.resolve(res.result);
      else p.reject(rebuild(res.error));
    });
    this.worker.on('error', (e) => this.fail(e));
    this.worker.on('exit', (code) => {
      if (this.pending.size > 0) this.fail(new FlowmapError(`store worker exited (code ${code}) with requests pending`));
    });
  }

  private fail(e: Error): void {
    this.failure = e;
    for (const p of this.pending.values()) p.reject(e);
    this.pending.clear();
  }

  private call<T>(req: Request, transfer: ArrayBuffer[] = []): Promise<T> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.worker.postMessage({ ...req, id }, transfer);
    });
  }

  init(): Promise<void> {
    return this.call({ op: 'init' });
  }

  append(records: readonly FlowRecord[]): Promise<void> {
    return this.appendBatch(toColumns(records));
  }

  /** append() of a batch already in column form (pipeline/batcher.ts builds them as records come). Its buffer is transferred. */
  appendBatch(columns: RecordColumns): Promise<void> {
    return this.call({ op: 'append', columns }, [columns.numbers.buffer]);
  }

  top<K extends TopKind>(kind: K, filter: FlowFilter): Promise<TopRows[K]> {
    return this.call({ op: 'top', kind, filter });
  }

  series(filter: FlowFilter, bucketMs: number): Promise<SeriesRow[]> {
    return this.call({ op: 'series', filter, bucketMs });
  }

  topPer(kind: TopPerKind, filter: FlowFilter, bucketMs: number): Promise<TopPerRow[]> {
    return this.call({ op: 'topPer', kind, filter, bucketMs });
  }

  keyedSeries(filter: FlowFilter, bucketMs: number, keys: SeriesKeys): Promise<KeyedSeriesRow[]> {
    return this.call({ op: 'keyedSeries', filter, bucketMs, keys });
  }

  edgeSeries(filter: FlowFilter, bucketMs: number, edges: readonly EdgeRef[]): Promise<EdgeSeriesRow[]> {
    return this.call({ op: 'edgeSeries', filter, bucketMs, edges: [...edges] });
  }

  stats(): Promise<StoreStats> {
    return this.call({ op: 'stats' });
  }

  sources(): Promise<SourceRow[]> {
    return this.call({ op: 'sources' });
  }

  appendNames(rows: readonly NameRow[]): Promise<void> {
    return this.call({ op: 'appendNames', rows: [...rows] });
  }

  names(addresses: readonly string[]): Promise<NameRow[]> {
    return this.call({ op: 'names', addresses: [...addresses] });
  }

  saveExporterHealth(run: string, rows: readonly ExporterHealthRow[]): Promise<void> {
    return this.call({ op: 'saveHealth', run, rows: [...rows] });
  }

  exporterHealth(): Promise<ExporterHealthRow[]> {
    return this.call({ op: 'health' });
  }

  saveSockets(rows: readonly SocketRow[]): Promise<void> {
    return this.call({ op: 'saveSockets', rows: [...rows] });
  }

  sockets(query: SocketQuery): Promise<SocketRow[]> {
    return this.call({ op: 'sockets', query });
  }

  /** ManagedStore.getMark, through the worker. */
  getMark(key: string): Promise<string | null> {
    return this.call({ op: 'getMark', key });
  }

  /** ManagedStore.begin/commit/rollback (not for a shared writer): one capture file, whole or not at all. */
  begin(): Promise<void> {
    return this.call({ op: 'begin' });
  }

  commit(mark?: StoreMark): Promise<void> {
    return this.call({ op: 'commit', mark: mark ?? null });
  }

  rollback(): Promise<void> {
    return this.call({ op: 'rollback' });
  }

  async close(): Promise<void> {
    try {
      if (!this.failure) await this.call({ op: 'close' });
    } finally {
      await this.worker.terminate();
    }
  }
}

function rebuild(e: WireError): Error {
  if (e.name === 'UsageError') return new UsageError(e.message);
  if (e.name === 'FlowmapError') return new FlowmapError(e.message);
  const err = new Error(e.message);
  err.name = e.name;
  return err;
}
