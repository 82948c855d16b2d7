import type { FlowRecord } from '../flow/record.js';
import type { Store } from '../store/store.js';

/**
 * Collects emitted records and hands them to the store in large batches. Up to `maxInFlight`
 * appends may be outstanding (a store in a worker thread stores one batch while the next is being
 * built); past that the caller waits, so a slow store applies back-pressure to the reader.
 */
export class RecordBatcher {
  private buf: FlowRecord[] = [];
  private readonly inFlight: Promise<void>[] = [];
  private failure: unknown = null;
  /** Records handed to the store so far. */
  written = 0;

  constructor(
    private readonly store: Pick<Store, 'append'>,
    private readonly batchSize = 8_192,
    private readonly maxInFlight = 2,
  ) {}

  push(record: FlowRecord): void {
    this.buf.push(record);
  }

  /** Send full batches when they are waiting; waits only when too many appends are outstanding. */
  async maybeFlush(): Promise<void> {
    if (this.failure) throw this.failure;
    while (this.buf.length >= this.batchSize) await this.send();
  }

  /** Send everything waiting and resolve once the store has all of it. */
  async flush(): Promise<void> {
    while (this.buf.length > 0) await this.send();
    while (this.inFlight.length > 0) await this.inFlight.shift();
    if (this.failure) throw this.failure;
  }

  /** Hand the store one batch (at most batchSize records: a flush of a full table is split). */
  private async send(): Promise<void> {
    while (this.inFlight.length >= this.maxInFlight) await this.inFlight.shift();
    if (this.failure) throw this.failure;
    if (this.buf.length === 0) return;
    // splice takes the head in place: a flush of a full table is split without copying the rest.
    const batch = this.buf.length <= this.batchSize ? this.buf : this.buf.splice(0, this.batchSize);
    if (batch === this.buf) this.buf = [];
    this.written += batch.length;
    // Record a failure instead of leaving a rejected promise unobserved; the next call rethrows it.
    this.inFlight.push(
      this.store.append(batch).catch((e: unknown) => {
        this.failure ??= e;
      }),
    );
  }
}
