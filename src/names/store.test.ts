import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DuckDbStore } from '../store/duckdb.js';
import { HOSTILE } from '../testing/graphs.js';

test('names table: observations aggregate per (address, name, source); any text round-trips as a parameter', async () => {
  const s = await DuckDbStore.open(':memory:');
  await s.init();
  try {
    const at = (m: number): string => new Date(Date.UTC(2026, 0, 15, 10, m)).toISOString();
    await s.appendNames([
      { address: '10.0.0.1', name: 'a.example', source: 'dns', first_seen: at(5), last_seen: at(6) },
      { address: '10.0.0.1', name: 'a.example', source: 'sni', first_seen: at(1), last_seen: at(1) },
      { address: '2001:db8::1', name: HOSTILE[1], source: 'http', first_seen: at(0), last_seen: at(0) },
    ]);
    await s.appendNames([{ address: '10.0.0.1', name: 'a.example', source: 'dns', first_seen: at(2), last_seen: at(9) }]);
    const rows = await s.names(['10.0.0.1', '2001:db8::1', "10.0.0.9' OR 1=1 --"]);
    assert.deepEqual(rows, [
      { address: '10.0.0.1', name: 'a.example', source: 'dns', first_seen: at(2), last_seen: at(9) },
      { address: '10.0.0.1', name: 'a.example', source: 'sni', first_seen: at(1), last_seen: at(1) },
      { address: '2001:db8::1', name: HOSTILE[1], source: 'http', first_seen: at(0), last_seen: at(0) },
    ]);
    // More addresses than one query holds (batched), and many more (one scan).
    const many = Array.from({ length: 2500 }, (_, i) => `10.1.${i >> 8}.${i & 255}`);
    await s.appendNames(many.map((address) => ({ address, name: `h${address}`, source: 'reverse' as const, first_seen: at(0), last_seen: at(0) })));
    assert.equal((await s.names(many.slice(0, 1200))).length, 1200);
    const all = await s.names([...many, '10.0.0.1']);
    assert.equal(all.length, 2502);
    assert.ok(!all.some((r) => r.address === '2001:db8::1'), 'only the addresses asked for');
  } finally {
    await s.close();
  }
});
