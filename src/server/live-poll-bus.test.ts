/**
 * The bus fed by both its own collectors and by polling the store: records are counted once whichever
 * reports them first, and polling that finds nothing new sends nothing.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { FlowRecord } from '../flow/record.js';
import { LiveBus, ObservedStore, type LiveEventName } from './live.js';
import { isBatchSink } from '../pipeline/batcher.js';
import { toColumns, type RecordColumns } from '../store/record-columns.js';
import type { Store } from '../store/store.js';
import { RECORDS } from '../testing/records.js';
import type { LiveEvent } from '../api/types.js';

const rec = (lastSeen: number): FlowRecord => ({ lastSeen }) as FlowRecord;

function recorder(bus: LiveBus): Array<[LiveEventName, LiveEvent]> {
  const got: Array<[LiveEventName, LiveEvent]> = [];
  bus.subscribe((e, d) => got.push([e, d]));
  return got;
}

test('own batch, then a poll that sees the same records: one count, no second event', () => {
  const bus = new LiveBus(0);
  const got = recorder(bus);
  bus.stored([rec(1000), rec(2000)]);
  bus.flush();
  bus.storeGrew(2, 2000);
  bus.flush();
  assert.deepEqual(got, [['flows', { stored: 2, lastSeen: new Date(2000).toISOString() }]]);
});

test('a poll that sees an own batch before it is announced: counted once', () => {
  const bus = new LiveBus(0);
  const got = recorder(bus);
  bus.storeGrew(2, 2000);
  bus.stored([rec(1000), rec(2000)]);
  bus.flush();
  assert.equal(got.length, 1);
  assert.deepEqual(bus.snapshot(), { stored: 2, lastSeen: new Date(2000).toISOString() });
});

test('another process writes: growth and a newer last_seen are news', () => {
  const bus = new LiveBus(0);
  const got = recorder(bus);
  bus.stored([rec(1000)]);
  bus.flush();
  bus.storeGrew(5, 9000);
  bus.flush();
  bus.storeGrew(5, null);
  bus.flush();
  assert.deepEqual(got.map(([, d]) => d), [
    { stored: 1, lastSeen: new Date(1000).toISOString() },
    { stored: 5, lastSeen: new Date(9000).toISOString() },
  ]);
});

test('a batch in column form (the store worker\'s) is announced like one of records, after the store has it', async () => {
  const full = (lastSeen: number): FlowRecord => ({ ...RECORDS[0], lastSeen });
  const bus = new LiveBus(0);
  const got = recorder(bus);
  const stored: number[] = [];
  const inner = {
    append: async () => assert.fail('records given to a store that takes columns'),
    appendBatch: async (c: RecordColumns) => {
      assert.equal(got.length, 0, 'not announced before the store has it');
      stored.push(c.count);
    },
  } as unknown as Store;
  const observed = new ObservedStore(inner, bus);
  assert.ok(isBatchSink(observed));
  await observed.appendBatch(toColumns([full(3000), full(7000), full(5000)]));
  bus.flush();
  assert.deepEqual(stored, [3]);
  assert.deepEqual(got, [['flows', { stored: 3, lastSeen: new Date(7000).toISOString() }]]);
  assert.equal(isBatchSink(new ObservedStore({ append: async () => undefined } as unknown as Store, bus)), false, 'a store that takes records only: so does the observer');
});
