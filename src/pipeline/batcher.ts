import type { FlowRecord } from '../flow/record.js';
import type { Store } from '../store/store.js';

/**
 * Collects emitted records and appends them to the store in large batches, one append at a time
 * (appends are serialised so a slow store applies back-pressure to the reader, never reordering).
 */
export class RecordBatcher {
  private buf: FlowRecord[] = [];
  private chain: Promise<void> = Promise.resolve();
  /** Records handed to the store so far. */
  written = 0;

  constructor(
    private readonly store: Store,
    private readonly batchSize = 50_000,
  ) {}

  push(record: FlowRecord): void {
    this.buf.push(record);
  }

  /** Flush when a full batch is waiting. */
  async maybeFlush(): Promise<void> {
    if (this.buf.length >= this.batchSize) await this.flush();
  }

  /** Append everything waiting; resolves once the store has it. */
  async flush(): Promise<void> {
    const batch = this.buf;
    this.buf = [];
    if (batch.length > 0) {
      this.chain = this.chain.then(() => this.store.append(batch));
      this.written += batch.length;
    }
    await this.chain;
  }
}
