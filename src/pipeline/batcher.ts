import type { FlowRecord } from '../flow/record.js';
import { ColumnBuilder, type RecordColumns } from '../store/record-columns.js';
import type { Store } from '../store/store.js';

/** Where batches go: any store, and in column form where it takes them so (the store worker). */
export type BatchSink = Pick<Store, 'append'> & { appendBatch?: (columns: RecordColumns) => Promise<void> };

/** Whether `store` takes batches in column form. */
export function isBatchSink<T extends object>(store: T): store is T & Required<Pick<BatchSink, 'appendBatch'>> {
  return typeof (store as BatchSink).appendBatch === 'function';
}

/**
 * Collects emitted records and hands them to the store in large batches. Up to `maxInFlight`
 * appends may be outstanding (a store in a worker thread stores one batch while the next is being
 * built); past that the caller waits, so a slow store applies back-pressure to the reader.
 *
 * A store that takes columns gets each record written into them as it comes, so no record object
 * lives on until its batch fills: that kept a collector's garbage collector busy promoting them.
 */
export class RecordBatcher {
  private buf: FlowRecord[] = [];
  private readonly builder: ColumnBuilder | null;
  /** Full batches in column form, waiting to be sent. */
  private readonly full: RecordColumns[] = [];
  private readonly inFlight: Promise<void>[] = [];
  private failure: unknown = null;
  /** Records handed to the store so far. */
  written = 0;

  constructor(
    private readonly store: BatchSink,
    private readonly batchSize = 8_192,
    private readonly maxInFlight = 2,
  ) {
    this.builder = isBatchSink(store) ? new ColumnBuilder(batchSize) : null;
  }

  push(record: FlowRecord): void {
    const b = this.builder;
    if (b === null) {
      this.buf.push(record);
      return;
    }
    b.push(record);
    if (b.count === this.batchSize) this.full.push(b.take());
  }

  /** Send full batches when they are waiting; waits only when too many appends are outstanding. */
  async maybeFlush(): Promise<void> {
    if (this.failure) throw this.failure;
    while (this.buf.length >= this.batchSize || this.full.length > 0) await this.send();
  }

  /** Send everything waiting and resolve once the store has all of it. */
  async flush(): Promise<void> {
    if (this.builder !== null && this.builder.count > 0) this.full.push(this.builder.take());
    while (this.buf.length > 0 || this.full.length > 0) await this.send();
    while (this.inFlight.length > 0) await this.inFlight.shift();
    if (this.failure) throw this.failure;
  }

  /** Hand the store one batch (at most batchSize records: a flush of a full table is split). */
  private async send(): Promise<void> {
    while (this.inFlight.length >= this.maxInFlight) await this.inFlight.shift();
    if (this.failure) throw this.failure;
    let sent: Promise<void>;
    const cols = this.full.shift();
    if (cols !== undefined && this.store.appendBatch) {
      this.written += cols.count;
      sent = this.store.appendBatch(cols);
    } else {
      if (this.buf.length === 0) return;
      // splice takes the head in place: a flush of a full table is split without copying the rest.
      const batch = this.buf.length <= this.batchSize ? this.buf : this.buf.splice(0, this.batchSize);
      if (batch === this.buf) this.buf = [];
      this.written += batch.length;
      sent = this.store.append(batch);
    }
    // Record a failure instead of leaving a rejected promise unobserved; the next call rethrows it.
    this.inFlight.push(
      sent.catch((e: unknown) => {
        this.failure ??= e;
      }),
    );
  }
}
