import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parseFilter } from '../filter/parse.js';
import { ServiceRegistry } from '../services/registry.js';
import { openStore } from '../store/open.js';
import type { ManagedStore } from '../store/store.js';
import { rec, T } from '../testing/records.js';
import { UsageError } from '../util/errors.js';
import { rateStats } from './buckets.js';
import { autoBucket, timeseries } from './timeseries.js';
import type { EdgeSeries, TalkerSeries } from './types.js';

const MIN = 60_000;
const services = ServiceRegistry.builtin();
let dir: string;
let store: ManagedStore;

// Two hours of one backup stream, one record a minute: 1,000 bytes a minute, and 100,000 a minute for
// ten minutes from 08:30. Plus a small DNS edge at 08:00 and 09:59.
const peak = (i: number) => i >= 30 && i < 40;
before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'flowmap-ts-'));
  store = await openStore(join(dir, 'ts.duckdb'));
  await store.init();
  const records = Array.from({ length: 120 }, (_, i) =>
    rec({ client: '10.0.0.1', server: '10.0.0.2', clientPort: 40000 + i, serverPort: 9102, firstSeen: T + i * MIN + 5000, lastSeen: T + i * MIN + 50_000, bytesC2s: peak(i) ? 1000 : 100, bytesS2c: peak(i) ? 99_000 : 900, packetsC2s: 1, packetsS2c: 2, exporter: '192.0.2.1', inIf: 3, outIf: 7 }),
  );
  records.push(rec({ client: '10.0.0.1', server: '10.0.0.53', clientPort: 5353, serverPort: 53, proto: 17, firstSeen: T, lastSeen: T, bytesC2s: 60, bytesS2c: 120, packetsC2s: 1, packetsS2c: 1 }));
  records.push(rec({ client: '10.0.0.1', server: '10.0.0.53', clientPort: 5354, serverPort: 53, proto: 17, firstSeen: T + 119 * MIN, lastSeen: T + 119 * MIN, bytesC2s: 60, bytesS2c: 120, packetsC2s: 1, packetsS2c: 1 }));
  await store.append(records);
});
after(async () => {
  await store?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('timeseries', () => {
  it('hand-worked statistics: a 10-minute peak in a 2-hour window makes p95 a peak-level bucket', async () => {
    const f = parseFilter({ since: new Date(T).toISOString(), until: new Date(T + 120 * MIN - 1).toISOString(), limit: '5' }, T);
    const rows = (await timeseries(store, 'edges', f, MIN, services)) as EdgeSeries[];
    assert.equal(rows.length, 2);
    const backup = rows[0];
    assert.deepEqual([backup.server, backup.port, backup.bucket_s, backup.buckets.length], ['10.0.0.2', 9102, 60, 120]);
    // 120 one-minute buckets: the 6 highest are discarded and the 7th highest is still in the peak.
    assert.equal(backup.peak_bps, (100_000 * 8) / 60);
    assert.equal(backup.p95_bps, (100_000 * 8) / 60);
    assert.equal(backup.avg_bps, ((110 * 1000 + 10 * 100_000) * 8) / (120 * 60));
    assert.equal(backup.p95_bps_c2s, (1000 * 8) / 60);
    assert.equal(backup.p95_bps_s2c, (99_000 * 8) / 60);
    assert.deepEqual(backup.buckets[30], { t: new Date(T + 30 * MIN).toISOString(), bytes: 100_000, bytes_c2s: 1000, bytes_s2c: 99_000, packets: 3 });
    // Empty buckets appear and count: the DNS edge has 2 busy buckets of 120.
    const dns = rows[1];
    assert.equal(dns.buckets.length, 120);
    assert.equal(dns.buckets.filter((b) => b.bytes > 0).length, 2);
    assert.equal(dns.p95_bps, 0);
    assert.equal(dns.peak_bps, (180 * 8) / 60);
    // Buckets add up to top's totals over the same window.
    const top = await store.top('edges', f);
    for (const [i, r] of rows.entries()) assert.equal(r.buckets.reduce((s, b) => s + b.bytes, 0), top[i].bytes);
  });

  it('without a window: the data extent; talkers count sent as c2s; total is one row', async () => {
    const f = parseFilter({ limit: '3' }, T);
    const talkers = (await timeseries(store, 'talkers', f, 10 * MIN, services)) as TalkerSeries[];
    assert.equal(talkers[0].host, '10.0.0.1');
    assert.equal(talkers[0].buckets[0].t, new Date(T).toISOString());
    assert.equal(talkers[0].buckets.length, 12);
    const sent = talkers[0].buckets.reduce((s, b) => s + b.bytes_c2s, 0);
    assert.equal(sent, 110 * 100 + 10 * 1000 + 120);
    const server = talkers.find((t) => t.host === '10.0.0.2') as TalkerSeries;
    assert.equal(server.buckets.reduce((s, b) => s + b.bytes_c2s, 0), 110 * 900 + 10 * 99_000);
    const total = await timeseries(store, 'total', f, 10 * MIN, services);
    assert.equal(total.length, 1);
    assert.equal(total[0].key, 'total');
    assert.equal(total[0].buckets.reduce((s, b) => s + b.bytes, 0), 110 * 1000 + 10 * 100_000 + 360);
    // The backup stream was exported: client -> server bytes entered at 3 and left at 7.
    const ifs = await timeseries(store, 'interfaces', f, 10 * MIN, services, (e, i) => (i === 7 ? 'uplink-dc2' : null));
    assert.deepEqual(ifs.map((r) => (r.key === 'interface' ? [r.exporter, r.if_index, r.if_name] : [])), [['192.0.2.1', 3, null], ['192.0.2.1', 7, 'uplink-dc2']]);
    const in3 = ifs[0].buckets.reduce((s, b) => s + b.bytes_c2s, 0);
    assert.equal(in3, 110 * 100 + 10 * 1000);
    assert.equal(ifs[1].p95_bps_c2s, ifs[0].p95_bps_s2c);
    const svc = await timeseries(store, 'services', f, null, services);
    assert.equal(svc[0].bucket_s, 60);
  });

  it('bucket bounds: a week at 1 s is refused; auto widths keep at most 500 buckets', async () => {
    const week = parseFilter({ since: new Date(T).toISOString(), until: new Date(T + 7 * 86_400_000).toISOString() }, T);
    await assert.rejects(timeseries(store, 'total', week, 1000, services), (e: unknown) => e instanceof UsageError && /more than 100,000/.test(e.message));
    assert.equal(autoBucket(T, T + 3_600_000), 10_000);
    assert.equal(autoBucket(T, T + 7 * 86_400_000), 3_600_000);
    assert.deepEqual(rateStats(new Float64Array([0, 0, 75]), 60_000), { peak: 10, p95: 10, avg: 10 / 3 });
  });
});
