// Soak: collection at a steady rate for a long time. NetFlow v9 datagrams (bench/collect-sender.mjs,
// its own process) go over loopback into `flowmap serve --netflow 0` (the collector of `flowmap collect`,
// collectLive with the same worker store) for MINUTES. Reported: the collector's RSS sampled every few
// seconds and its slope (MiB/min, least squares, over the whole run and its second half), records sent
// vs stored (nothing may be lost), and the latency of a `top` query every ~30 s during the run.
//
// Why serve and not collect + a second reader: DuckDB lets one process write a file; a second process
// may open it only between the collector's appends, and at this rate it would measure waiting for the
// lock and loading the engine, not the query. `serve` answers /api/v1/top/edges from the same store
// the collectors write, as an operator's page does. With --db mariadb://... the same run measures MariaDB.
//
// The traffic is an estate's: 20,000 clients, each talking to one of 200 servers on 443/tcp with a new
// client port per conversation (20,000 edges; --clients 0 gives every conversation a client of its own,
// so top edges groups as many edges as records, which no estate has).
//
//   node bench/soak.mjs [--rate FLOWS_PER_S] [--minutes M] [--clients N] [--db SPEC] [--sample S] [--top-every S] [--json]
//   defaults: 100000 flows/s, 10 minutes, 20000 clients, a fresh DuckDB file, RSS every 5 s, top every 30 s
/* global fetch */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { BENCH_DIR } from './gen.mjs';
import { fmt, sleep } from './lib.mjs';

const CLI = join(BENCH_DIR, '..', 'dist', 'cli', 'main.js');
const SENDER = join(BENCH_DIR, 'collect-sender.mjs');

const { values: o } = parseArgs({
  options: {
    rate: { type: 'string', default: '100000' },
    clients: { type: 'string', default: '20000' },
    minutes: { type: 'string', default: '10' },
    db: { type: 'string' },
    sample: { type: 'string', default: '5' },
    'top-every': { type: 'string', default: '30' },
    json: { type: 'boolean', default: false },
  },
});
const RATE = Number(o.rate);
const SECONDS = Number(o.minutes) * 60;
const SAMPLE_MS = Number(o.sample) * 1000;
const TOP_MS = Number(o['top-every']) * 1000;
const log = (s) => process.stderr.write(`${s}\n`);

/** Least-squares slope of y over x. */
function slope(points) {
  const n = points.length;
  if (n < 2) return NaN;
  const mx = points.reduce((s, p) => s + p[0], 0) / n;
  const my = points.reduce((s, p) => s + p[1], 0) / n;
  const sxy = points.reduce((s, p) => s + (p[0] - mx) * (p[1] - my), 0);
  const sxx = points.reduce((s, p) => s + (p[0] - mx) ** 2, 0);
  return sxy / sxx;
}

/** Nearest rank, as the project's p95. */
const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s[Math.max(0, Math.ceil((p / 100) * s.length) - 1)];
};

const rssMiB = (pid) => {
  const m = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
};

async function getJson(url) {
  const r = await fetch(url);
  if (!r.ok) throw new Error(`${url}: ${r.status} ${await r.text()}`);
  return r.json();
}

async function metric(base, name) {
  const text = await (await fetch(`${base}metrics`)).text();
  const m = new RegExp(`^${name} (\\S+)$`, 'm').exec(text);
  return m ? Number(m[1]) : NaN;
}

const dir = mkdtempSync(join(tmpdir(), 'flowmap-soak-'));
const db = o.db ?? join(dir, 'soak.duckdb');
try {
  const child = spawn(process.execPath, [CLI, '--db', db, 'serve', '--port', '0', '--netflow', '0'], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, FLOWMAP_CONFIG: '', FLOWMAP_TOKEN: '' },
  });
  let err = '';
  const exited = new Promise((r) => child.on('exit', r));
  const { base, port } = await new Promise((resolve, reject) => {
    child.stderr.on('data', (d) => {
      err += d;
      const url = /serving (http:\/\/\S+\/)/.exec(err)?.[1];
      const p = /netflow (\d+)\/udp/.exec(err)?.[1];
      if (url && p) resolve({ base: url, port: Number(p) });
    });
    child.on('exit', () => reject(new Error(`serve exited: ${err}`)));
  });
  log(`soak: ${fmt(RATE)} flows/s from ${Number(o.clients) > 0 ? `${fmt(Number(o.clients))} clients` : 'a client per conversation'} for ${SECONDS / 60} min into ${o.db ?? 'a fresh DuckDB file'} (serve pid ${child.pid}, ${base})`);

  const t0 = performance.now();
  const minutes = () => (performance.now() - t0) / 60_000;
  const rss = [[0, rssMiB(child.pid)]];
  const tops = [];
  const sender = spawn(process.execPath, [SENDER, String(port), String(RATE), String(SECONDS), String(Number(o.clients))], { stdio: ['ignore', 'pipe', 'inherit'] });
  let sentText = '';
  sender.stdout.on('data', (d) => (sentText += d));
  const senderDone = new Promise((r) => sender.on('exit', r));
  let sending = true;
  void senderDone.then(() => (sending = false));

  // RSS every SAMPLE_MS; a top query every TOP_MS (one at a time, timed end to end over HTTP).
  let nextTop = TOP_MS;
  while (sending) {
    await Promise.race([sleep(SAMPLE_MS), senderDone]);
    if (!sending) break;
    rss.push([minutes(), rssMiB(child.pid)]);
    if (performance.now() - t0 >= nextTop) {
      nextTop += TOP_MS;
      const q0 = performance.now();
      const rows = await getJson(`${base}api/v1/top/edges?limit=20`);
      const ms = performance.now() - q0;
      tops.push(ms);
      const queue = await metric(base, 'flowmap_store_queue_records');
      log(`  ${minutes().toFixed(1)} min: RSS ${rss.at(-1)[1].toFixed(0)} MiB, top ${ms.toFixed(0)} ms (${rows.rows.length} rows), queue ${fmt(queue)} records`);
    }
  }
  const sent = JSON.parse(sentText);
  const sendSeconds = sent.ms / 1000;

  // Drain: until the queue is empty and the store's count stops moving (at most 2 minutes).
  let stored = -1;
  for (let i = 0; i < 120; i++) {
    const meta = await getJson(`${base}api/v1/meta`);
    const queue = await metric(base, 'flowmap_store_queue_records');
    if (meta.stats.records === stored && queue === 0) break;
    stored = meta.stats.records;
    await sleep(1000);
  }
  const batchCount = await metric(base, 'flowmap_store_batch_seconds_count');
  const batchSum = await metric(base, 'flowmap_store_batch_seconds_sum');
  child.kill('SIGTERM');
  await exited;
  const line = /collect: .*/.exec(err)?.[0] ?? '';
  const num = (re) => Number((re.exec(line)?.[1] ?? 'NaN').replace(/,/g, ''));
  const received = num(/ ([\d,]+) flows/);
  const storedByCollector = num(/([\d,]+) records stored/);
  const kernelDrops = num(/kernel drops ([\d,]+)/);

  const half = rss.filter(([t]) => t >= rss.at(-1)[0] / 2);
  const result = {
    rate: RATE,
    achievedRate: sent.flows / sendSeconds,
    minutes: sendSeconds / 60,
    flowsSent: sent.flows,
    flowsReceived: received,
    // Datagrams the kernel dropped carry PER flows each: sent = received + dropped flows.
    flowsLost: sent.flows - received,
    recordsExpected: sent.flows / 2, // every conversation is two halves paired into one record
    recordsStored: stored,
    // At stop the collector also writes the halves still waiting for a partner (one-way records).
    recordsStoredByCollector: storedByCollector,
    lost: sent.flows / 2 - stored,
    kernelDrops,
    rssStartMiB: rss[0][1],
    rssEndMiB: rss.at(-1)[1],
    rssMaxMiB: Math.max(...rss.map((p) => p[1])),
    rssSlopeMiBPerMin: slope(rss),
    rssSlopeSecondHalfMiBPerMin: slope(half),
    topQueries: tops.length,
    topP50Ms: pct(tops, 50),
    topP95Ms: pct(tops, 95),
    topMaxMs: Math.max(...tops),
    storeBatches: batchCount,
    storeBatchMeanMs: (batchSum / batchCount) * 1000,
  };
  log(
    `soak: sent ${fmt(result.flowsSent)} flows at ${fmt(result.achievedRate)}/s for ${result.minutes.toFixed(1)} min; ` +
      `received ${fmt(received)} (lost ${fmt(result.flowsLost)}: ${fmt(kernelDrops)} datagrams dropped by the kernel); records ${fmt(stored)} stored of ${fmt(result.recordsExpected)} (lost ${fmt(result.lost)})`,
  );
  log(
    `soak: RSS ${result.rssStartMiB.toFixed(0)} -> ${result.rssEndMiB.toFixed(0)} MiB (max ${result.rssMaxMiB.toFixed(0)}), slope ${result.rssSlopeMiBPerMin.toFixed(2)} MiB/min ` +
      `(second half ${result.rssSlopeSecondHalfMiBPerMin.toFixed(2)}); top p50 ${result.topP50Ms.toFixed(0)} ms, p95 ${result.topP95Ms.toFixed(0)} ms over ${tops.length} queries; ` +
      `${fmt(batchCount)} store batches, mean ${result.storeBatchMeanMs.toFixed(0)} ms`,
  );
  if (o.json) process.stdout.write(JSON.stringify(result, null, 2) + '\n');
} finally {
  rmSync(dir, { recursive: true, force: true });
}
