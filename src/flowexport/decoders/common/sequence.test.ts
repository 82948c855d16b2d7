import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HealthBook } from '../../model.js';
import { SequenceTracker } from './sequence.js';

const health = () => new HealthBook().get('192.0.2.1', 0, 'ipfix');

test('sequence: in order, gaps converted to datagrams, late arrivals give back, wrap', () => {
  const h = health();
  const t = new SequenceTracker();
  t.track(100, 10, h);
  t.track(110, 10, h);
  t.track(140, 10, h); // 120..139 missing: two datagrams of ten
  assert.equal(h.sequenceGaps, 2);
  t.track(120, 10, h);
  assert.equal(h.sequenceGaps, 1);
  t.track(130, 10, h);
  t.track(130, 10, h); // duplicate: nothing more to give back
  assert.equal(h.sequenceGaps, 0);
  t.track(150, 10, h);
  const w = new SequenceTracker();
  const h2 = health();
  w.track(0xfffffff0, 16, h2);
  w.track(0, 16, h2);
  w.track(32, 16, h2);
  assert.equal(h2.sequenceGaps, 1);
});

test('sequence: restarts and unknown units resynchronise without counting loss', () => {
  const h = health();
  const t = new SequenceTracker();
  t.track(1_000_000, 1, h);
  t.track(3, 1, h); // far back: restart
  t.track(4, 1, h);
  t.track(4 + 5_000_000, 1, h); // far ahead: restart too
  assert.equal(h.sequenceGaps, 0);
  t.track(10, -1, h);
  t.track(999, 5, h);
  t.track(1004, 5, h);
  assert.equal(h.sequenceGaps, 0);
});
