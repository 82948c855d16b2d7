import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RecordBatcher } from './batcher.js';
import { fromColumns, type RecordColumns } from '../store/record-columns.js';
import type { FlowRecord } from '../flow/record.js';
import { RECORDS, rec } from '../testing/records.js';

/** 1,000 records over several sources and exporters, so each batch's dictionaries differ. */
const MANY: FlowRecord[] = Array.from({ length: 1000 }, (_, i) => ({
  ...RECORDS[i % RECORDS.length],
  clientPort: 1024 + i,
  source: `netflow:10.0.0.${i % 7}/0`,
  exporter: `10.0.0.${(i * 3) % 5}`,
  bytesC2s: i * 1001,
}));

/** A store that holds what it is given and lets each append finish only when told to. */
function sink(columns: boolean) {
  const batches: FlowRecord[][] = [];
  const open: Array<() => void> = [];
  let outstanding = 0;
  let maxOutstanding = 0;
  const arrive = (records: FlowRecord[]): Promise<void> => {
    batches.push(records);
    outstanding++;
    maxOutstanding = Math.max(maxOutstanding, outstanding);
    return new Promise<void>((resolve) => open.push(() => {
      outstanding--;
      resolve();
    }));
  };
  const store = columns
    ? { append: () => Promise.reject(new Error('records given to a store that takes columns')), appendBatch: (c: RecordColumns) => arrive(fromColumns(c)) }
    : { append: (r: readonly FlowRecord[]) => arrive([...r]) };
  return { store, batches, release: () => open.splice(0).forEach((f) => f()), stats: () => ({ maxOutstanding }) };
}

for (const columns of [false, true]) {
  const mode = columns ? 'columns built as records come' : 'records';
  test(`RecordBatcher (${mode}): every record once, in order, in batches of at most the size, with at most maxInFlight outstanding`, async () => {
    const s = sink(columns);
    const b = new RecordBatcher(s.store, 128, 2);
    const releaser = setInterval(s.release, 1);
    try {
      for (const r of MANY) {
        b.push(r);
        await b.maybeFlush();
      }
      assert.ok(b.written < MANY.length, 'the last partial batch waits for flush');
      await b.flush();
    } finally {
      clearInterval(releaser);
    }
    assert.equal(b.written, MANY.length);
    assert.deepEqual(s.batches.flat(), MANY);
    assert.ok(s.batches.every((x) => x.length > 0 && x.length <= 128), `batch sizes ${s.batches.map((x) => x.length)}`);
    assert.deepEqual(s.batches.slice(0, -1).map((x) => x.length), Array(7).fill(128));
    assert.ok(s.stats().maxOutstanding <= 2, `${s.stats().maxOutstanding} appends outstanding`);
  });

  test(`RecordBatcher (${mode}): a flush of more than a batch (a full table written out) is split`, async () => {
    const s = sink(columns);
    const b = new RecordBatcher(s.store, 300, 2);
    for (const r of MANY) b.push(r);
    const releaser = setInterval(s.release, 1);
    try {
      await b.flush();
    } finally {
      clearInterval(releaser);
    }
    assert.deepEqual(s.batches.map((x) => x.length), [300, 300, 300, 100]);
    assert.deepEqual(s.batches.flat(), MANY);
  });

  test(`RecordBatcher (${mode}): a failed append is thrown by the next call`, async () => {
    const fail = (): Promise<void> => Promise.reject(new Error('disk full'));
    const store = columns ? { append: fail, appendBatch: fail } : { append: fail };
    const b = new RecordBatcher(store, 2, 1);
    b.push(rec({ client: '10.0.0.1', server: '10.0.0.2', clientPort: 1, serverPort: 2 }));
    b.push(rec({ client: '10.0.0.1', server: '10.0.0.2', clientPort: 3, serverPort: 2 }));
    await b.maybeFlush();
    await assert.rejects(b.flush(), /disk full/);
  });
}
