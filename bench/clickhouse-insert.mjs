// Part of the `stores` section: the same records inserted into ClickHouse as TabSeparated text (how
// flowmap inserted before) and as RowBinary (what the store sends now), each into a fresh database on
// the same server, best of `reps`; records/s and the ratio. The encoding alone is timed too.
import { performance } from 'node:perf_hooks';
import { URL } from 'node:url';
import { fmt, printTable } from './lib.mjs';

const dist = (p) => new URL(`../dist/${p}`, import.meta.url).href;

export async function clickhouseInsertBench({ ch, batches, reps, log }) {
  const [{ openStore }, { ClickHouseHttp }, { rowBinary }, { tsvField }, { FLOW_COLUMNS }, { addrHiLo }, { rawCounter }] = await Promise.all([
    import(dist('store/open.js')), import(dist('store/clickhouse-http.js')), import(dist('store/clickhouse-rowbinary.js')),
    import(dist('store/clickhouse-sql.js')), import(dist('store/schema.js')), import(dist('util/ip.js')), import(dist('store/rows.js')),
  ]);
  const count = batches.reduce((n, b) => n + b.length, 0);
  const columns = FLOW_COLUMNS.map((c) => c.name);
  // The TabSeparated line flowmap built per record before RowBinary (same values, as text).
  const tsvLine = (r) => {
    const c = addrHiLo(r.client);
    const s = addrHiLo(r.server);
    const rate = r.samplingRate >= 1 ? r.samplingRate : 1;
    return [
      r.firstSeen, r.lastSeen, tsvField(r.client), tsvField(r.server), c.hi, c.lo, s.hi, s.lo, r.clientPort, r.serverPort, r.proto, r.ipVersion, r.vlan,
      r.bytesC2s, r.bytesS2c, r.packetsC2s, r.packetsS2c, rawCounter(r.bytesC2s, rate), rawCounter(r.bytesS2c, rate), rawCounter(r.packetsC2s, rate), rawCounter(r.packetsS2c, rate),
      rate, r.tcpFlagsC2s, r.tcpFlagsS2c, tsvField(r.direction), tsvField(r.source), tsvField(r.exporter), r.inIf, r.outIf, r.starts,
    ].join('\t');
  };
  const formats = {
    'TabSeparated (before)': { encode: (b) => b.map(tsvLine).join('\n') + '\n', insert: (http, body) => http.insertTsv('flows', columns, body, { insert_distributed_sync: '1' }) },
    RowBinary: { encode: (b) => rowBinary(b), insert: (http, body) => http.insertRowBinary('flows', columns, body, { insert_distributed_sync: '1' }) },
  };
  const best = {};
  let n = 0;
  for (let rep = 0; rep < reps; rep++) {
    // Interleaved rounds: drift on a noisy machine hits both formats alike.
    for (const [name, f] of Object.entries(formats)) {
      const database = `fm_insert_${process.pid}_${n++}`;
      const store = await openStore(ch.spec(database));
      await store.close();
      const http = new ClickHouseHttp({ url: ch.urls[0], user: 'default', password: '' }, database);
      let encodeMs = 0;
      const t0 = performance.now();
      for (const b of batches) {
        const e0 = performance.now();
        const body = f.encode(b);
        encodeMs += performance.now() - e0;
        await f.insert(http, body);
      }
      const ms = performance.now() - t0;
      const stored = Number((await http.rows('SELECT count() AS n FROM flows'))[0].n);
      if (stored !== count) throw new Error(`${name}: ${stored} rows stored of ${count}`);
      await http.server().exec(`DROP DATABASE ${database}`);
      if (!best[name] || ms < best[name].ms) best[name] = { ms, encodeMs };
    }
  }
  const rows = [['format', 'insert s', 'records/s', 'encode only records/s']];
  for (const [name, r] of Object.entries(best)) rows.push([name, (r.ms / 1000).toFixed(2), fmt((count / r.ms) * 1000), fmt((count / r.encodeMs) * 1000)]);
  process.stdout.write(`\nflowmap bench, stores: ClickHouse insert of ${fmt(count)} records in batches of ${fmt(batches[0].length)} (best of ${reps}, client and server on this machine)\n`);
  printTable(rows);
  const ratio = best['TabSeparated (before)'].ms / best.RowBinary.ms;
  process.stdout.write(`ClickHouse RowBinary vs TabSeparated: ${ratio.toFixed(2)}x faster\n`);
  log(`stores: ClickHouse insert: RowBinary ${fmt((count / best.RowBinary.ms) * 1000)} records/s`);
  return { rowBinaryRps: (count / best.RowBinary.ms) * 1000, tsvRps: (count / best['TabSeparated (before)'].ms) * 1000, ratio };
}
