import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConversationMemory, conversationStarts, inheritSides, isStrongEvidence, type ConversationRecall, type RememberedConversation } from './conversation-memory.js';
import { HashedConversationMemory } from './hashed-memory.js';
import { Hash53 } from '../util/hash53.js';
import { liveHeapBytes } from '../testing/heap.js';

/** Both memories for number keys: the Map one and the typed-array one must behave the same. */
const MEMORIES: [string, (bound: number) => ConversationRecall<number>][] = [
  ['ConversationMemory', (bound) => new ConversationMemory<number>(bound)],
  ['HashedConversationMemory', (bound) => new HashedConversationMemory(bound)],
];

for (const [name, make] of MEMORIES) test(`${name}: bounded, least recently used forgotten first, a set refreshes`, () => {
  const m = make(3);
  const v = (lastSeen: number) => ({ clientIs1: false, evidence: 'handshake' as const, lastSeen });
  for (let k = 1; k <= 3; k++) m.set(k, v(k));
  assert.equal(m.get(1)?.lastSeen, 1);
  m.set(1, v(11)); // a record of conversation 1 written: it becomes the most recently used
  m.set(4, v(4));
  assert.equal(m.size, 3);
  assert.equal(m.get(2), undefined, 'the least recently used went');
  assert.deepEqual([1, 3, 4].map((k) => m.get(k)?.lastSeen), [11, 3, 4]);
  for (let k = 5; k < 1000; k++) m.set(k, v(k));
  assert.equal(m.size, 3);
});

test('conversationStarts: handshake, continuation, overlap, idle gap', () => {
  const prev = { clientIs1: false, evidence: 'handshake' as const, lastSeen: 10_000 };
  assert.equal(conversationStarts(true, undefined, 0, 15_000), 1, 'a handshake');
  assert.equal(conversationStarts(false, undefined, 0, 15_000), 1, 'TCP first seen mid-stream');
  assert.equal(conversationStarts(false, prev, 60_000, 15_000), 0, 'TCP back without a handshake');
  assert.equal(conversationStarts(true, prev, 60_000, 15_000), 1, 'TCP port reuse');
  assert.equal(conversationStarts(true, prev, 9_000, 15_000), 0, 'overlapping: the other half of the same conversation');
  assert.equal(conversationStarts(null, prev, 20_000, 15_000), 0, 'UDP back within the idle timeout (an eviction)');
  assert.equal(conversationStarts(null, prev, 25_000, 15_000), 1, 'UDP back after the idle timeout');
});

test('inheritSides: a continuation keeps sides known as well or better; a new handshake wins', () => {
  const prev = { clientIs1: true, evidence: 'service-port' as const, lastSeen: 0 };
  assert.deepEqual(inheritSides({ clientIs1: false, evidence: 'first-packet' }, prev), { clientIs1: true, evidence: 'service-port' });
  assert.deepEqual(inheritSides({ clientIs1: false, evidence: 'listener' }, prev), { clientIs1: false, evidence: 'listener' });
  assert.deepEqual(inheritSides({ clientIs1: false, evidence: 'handshake' }, { ...prev, evidence: 'handshake' }), { clientIs1: false, evidence: 'handshake' });
  assert.deepEqual(inheritSides({ clientIs1: false, evidence: 'icmp' }, { ...prev, evidence: 'exporter' }), { clientIs1: true, evidence: 'exporter' });
  assert.deepEqual(inheritSides({ clientIs1: false, evidence: 'port-rank' }, undefined), { clientIs1: false, evidence: 'port-rank' });
  assert.deepEqual(['handshake', 'listener', 'service-port', 'exporter', 'fan-in', 'port-rank', 'first-packet'].map((e) => isStrongEvidence(e as 'fan-in')), [true, true, true, true, false, false, false]);
});

for (const [name, make] of MEMORIES) test(`${name}: the same keys and values as a plain LRU model over a long random run of gets and sets`, () => {
  const bound = 1500; // beyond the hashed memory's first size: it grows on the way
  const m = make(bound);
  const model: number[] = []; // least recently used first
  const seen = new Map<number, RememberedConversation>();
  let s = 12345;
  const rnd = (n: number): number => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) % n);
  // 53-bit keys as the callers make them, and a few small ones.
  const keys = Array.from({ length: 5000 }, (_, k) => (k < 10 ? k : new Hash53().start(k, 0).word(k).value()));
  for (let i = 0; i < 60_000; i++) {
    const k = keys[rnd(keys.length)];
    const at = model.indexOf(k);
    if (rnd(3) === 0) {
      const got = m.get(k);
      assert.equal(got !== undefined, at >= 0, `get ${k} at step ${i}`);
      if (got) assert.deepEqual({ ...got }, seen.get(k), `value of ${k} at step ${i}`);
    } else {
      const v: RememberedConversation = { clientIs1: i % 2 === 1, evidence: i % 3 === 0 ? 'exporter' : i % 3 === 1 ? 'port-rank' : 'handshake', lastSeen: i * 1000.5 };
      m.set(k, v);
      seen.set(k, v);
      if (at >= 0) model.splice(at, 1);
      model.push(k);
      if (model.length > bound) model.shift();
    }
    assert.equal(m.size, model.length);
  }
  for (const k of keys) assert.equal(m.get(k) !== undefined, model.includes(k), `key ${k}`);
});

test('ConversationMemory: a memory that keeps changing below its bound holds no more than its keys', () => {
  // A home lab: the same few conversations over and over, never reaching the bound, so nothing is
  // evicted. The eviction cursor must not pin every hash table the churn rehashed into (it held
  // 1.4 GiB a minute in a collector before).
  const m = new ConversationMemory<string>(100_000);
  const v = { clientIs1: false, evidence: 'handshake' as const, lastSeen: 0 };
  const keys = Array.from({ length: 2000 }, (_, k) => `10.0.${k >> 8}.${k & 255}|443`);
  for (const k of keys) m.set(k, v);
  const before = liveHeapBytes();
  for (let round = 0; round < 1000; round++) for (const k of keys) m.set(k, v);
  const grown = liveHeapBytes() - before;
  assert.equal(m.size, 2000);
  assert.ok(grown < 4 * 2 ** 20, `2,000,000 refreshes of 2,000 keys left ${(grown / 2 ** 20).toFixed(1)} MiB more heap`);
});
