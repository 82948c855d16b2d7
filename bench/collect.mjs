// Section: sustained collection. NetFlow v9 datagrams (bench/collect-sender.mjs, its own process) are
// replayed over loopback at rising rates into `flowmap collect` storing into DuckDB, and into nfdump's
// nfcapd writing its files, until loss appears: kernel drops, records missing in the store, or (nfcapd)
// flows missing in its files. The sustained rate is the highest step without loss after which the
// collector stops (stores its backlog) at most 2.5 s later than after a slow warm-up step.
// Also runnable alone: node bench/collect.mjs [rates...]   (flows/s, e.g. 100000 200000 400000)
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { BENCH_DIR } from './gen.mjs';
import { fmt, have, runProcess, sleep } from './lib.mjs';
import { CONVERSATIONS_PER_PAIR, PER, dataDatagram, templateDatagram } from './collect-datagrams.mjs';

const CLI = join(BENCH_DIR, '..', 'dist', 'cli', 'main.js');
const SENDER = join(BENCH_DIR, 'collect-sender.mjs');
const SECONDS = Number(process.env.BENCH_COLLECT_SECONDS ?? 5);
/**
 * A step counts as sustained only if, after the sending stops, the collector finishes (stores its
 * backlog and exits) at most this much later than after a slow warm-up step. The store worker gathers
 * up to a second of records into one transaction by design, so writing that last second is part of
 * every stop; beyond it, the store may be 1.5 s behind, not more.
 */
const BACKLOG_MS = 2500;
const WARMUP_RATE = 10_000;
const RATES = (process.env.BENCH_COLLECT_RATES ?? '100000,200000,300000,400000,500000,600000,800000,1000000').split(',').map(Number);

function send(port, rate, seconds) {
  return runProcess(process.execPath, [SENDER, String(port), String(rate), String(seconds)]).then((r) => {
    if (r.code !== 0) throw new Error(`sender failed: ${r.stderr}`);
    return JSON.parse(r.stdout);
  });
}

/** One step into flowmap collect: sent flows, what it took in, stored, and the time to drain after sending. */
export async function flowmapStep(rate, seconds = SECONDS, cli = CLI) {
  const dir = mkdtempSync(join(tmpdir(), 'flowmap-bench-collect-'));
  try {
    const child = spawn(process.execPath, [cli, '--db', join(dir, 'c.duckdb'), 'collect', '--netflow', '0', '--no-ipfix', '--no-sflow', '--json'], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, FLOWMAP_CONFIG: '' },
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    const port = await new Promise((resolve, reject) => {
      child.stderr.on('data', (d) => {
        err += d;
        const m = /netflow (\d+)\/udp/.exec(err);
        if (m) resolve(Number(m[1]));
      });
      child.on('exit', () => reject(new Error(`collect exited: ${err}`)));
    });
    const exited = new Promise((r) => child.on('exit', r));
    const sent = await send(port, rate, seconds);
    const t0 = performance.now();
    child.kill('SIGTERM');
    await exited;
    const drainMs = performance.now() - t0;
    const s = JSON.parse(out);
    const lost = sent.flows - s.flows + (s.kernelDrops ?? 0) + s.overflow;
    const expectRecords = sent.flows / 2; // every conversation is two halves paired into one record
    return { sent: sent.flows, received: s.flows, stored: s.stored, kernelDrops: s.kernelDrops, overflow: s.overflow, drainMs, ok: lost === 0 && s.stored === expectRecords, sendMs: sent.ms };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** One step into nfcapd: flows in its files. */
async function nfcapdStep(rate, seconds = SECONDS) {
  const dir = mkdtempSync(join(tmpdir(), 'flowmap-bench-nfcapd-'));
  try {
    const port = 20000 + Math.floor(Math.random() * 20000);
    const child = spawn('nfcapd', ['-w', dir, '-p', String(port), '-b', '127.0.0.1', '-t', '3600', '-B', String(8 << 20)], { stdio: 'ignore' });
    const exited = new Promise((r) => child.on('exit', r));
    await sleep(500);
    const sent = await send(port, rate, seconds);
    const t0 = performance.now();
    child.kill('SIGTERM');
    await exited;
    const drainMs = performance.now() - t0;
    const info = await runProcess('nfdump', ['-R', dir, '-I']);
    const flows = Number(/^Flows: (\d+)/m.exec(info.stdout)?.[1] ?? 0);
    return { sent: sent.flows, received: flows, stored: flows, drainMs, ok: flows === sent.flows, sendMs: sent.ms };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Rising rates until each collector's first loss; the highest lossless rate is its sustained one. The
 * collectors take turns at each rate, so that a change in the machine's load hits both alike.
 */
async function ramp(tools, log) {
  const state = [];
  for (const [name, step] of tools) {
    // The time to stop and store the rest at a trivial rate: start-up of nothing, shutdown, last write.
    const warm = await step(WARMUP_RATE, 2);
    state.push({ name, step, allowed: warm.drainMs + BACKLOG_MS, going: true, out: { sustained: 0, steps: [], warmDrainMs: warm.drainMs } });
  }
  for (const rate of RATES) {
    for (const t of state.filter((x) => x.going)) {
      const r = await t.step(rate);
      const achieved = (r.sent / r.sendMs) * 1000;
      const kept = r.ok && r.drainMs <= t.allowed;
      t.out.steps.push({ rate, achieved, ...r, ok: kept });
      const why = !r.ok ? '  LOSS' : kept ? '' : `  BEHIND (stop took > ${(t.allowed / 1000).toFixed(1)} s)`;
      log(`  ${t.name} ${fmt(rate)} flows/s (sent at ${fmt(achieved)}/s): ${fmt(r.received)}/${fmt(r.sent)} received, ${fmt(r.stored)} stored, stop took ${(r.drainMs / 1000).toFixed(1)} s${r.kernelDrops ? `, kernel drops ${fmt(r.kernelDrops)}` : ''}${why}`);
      if (kept) t.out.sustained = Math.min(rate, achieved);
      else t.going = false;
    }
  }
  return state.map((t) => t.out);
}

const DIST = join(BENCH_DIR, '..', 'dist');
const load = (p) => import(pathToFileURL(join(DIST, p)).href);
const perSec = (n, ms) => (n / ms) * 1000;
/** CPU time of this whole process (every thread: the store worker's and DuckDB's too), ms. */
const cpuMs = (c0) => {
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / 1000;
};

/**
 * Where the time goes: decoding + pairing into records, written into batch columns as they come (one
 * core, no store); the store path exactly as `collect` drives it (a shared worker store: batches of
 * 8,192 records in column form handed over two at a time,
 * coalesced into transactions, the file opened per write, until close has stored everything); the
 * same through the old measure (DuckDbStore.append, open/append/close with a checkpoint per 64 Ki
 * records); and DuckDB's own share: the appender fed chunks already built, in transactions of the
 * worker's size. CPU time is per record of the whole process, which a busy machine does not inflate.
 */
async function breakdown(log) {
  const [{ FlowExportPipeline }, { createDecoders }, { ServiceRegistry }, { openStore }, { WorkerStore }, duck, { ChunkFiller }, { toColumns, fromColumns }, { createFlowsTableSql }, api] = await Promise.all([
    load('pipeline/flowexport.js'), load('flowexport/decoders/index.js'), load('services/registry.js'), load('store/open.js'), load('store/worker-store.js'),
    load('store/duckdb.js'), load('store/duckdb-chunk.js'), load('store/record-columns.js'), load('store/schema.js'), import('@duckdb/node-api'),
  ]);
  const datagrams = [templateDatagram(0)];
  for (let i = 0; i < 40_000; i++) datagrams.push(dataDatagram(i + 1, (i >> 1) * CONVERSATIONS_PER_PAIR, i & 1));
  const flows = (datagrams.length - 1) * PER;
  const records = [];
  // Timed rounds count the records and let them go, as collect does once a batch is handed over;
  // a last, untimed round keeps them for the store path (600,000 records held were a third of the
  // pairing's time in garbage collection).
  let counted = 0;
  // Both take batches as columns, built as records come, as collect's store worker does.
  const counter = { append: async () => { throw new Error('records in place of columns'); }, appendBatch: async (c) => { counted += c.count; }, saveExporterHealth: async () => {} };
  const keeper = { append: async () => { throw new Error('records in place of columns'); }, appendBatch: async (c) => { for (const x of fromColumns(c)) records.push(x); }, saveExporterHealth: async () => {} };
  let pipeMs = Infinity;
  for (let round = 0; round < 6; round++) {
    const store = round < 5 ? counter : keeper;
    const p = new FlowExportPipeline({ store, services: ServiceRegistry.builtin(), idleTimeoutMs: 15_000, activeTimeoutMs: 60_000, maxFlows: 1_000_000, run: 'bench', makeDecoders: createDecoders });
    const t0 = performance.now();
    for (const d of datagrams) {
      // Receive time as collect stamps it: the clock at each datagram (expiry scans run as it moves).
      p.datagram(d, '127.0.0.1', Date.now(), 'netflow', 0);
      if (p.pending >= 8192) await p.pump();
    }
    await p.finish();
    if (store === counter) pipeMs = Math.min(pipeMs, performance.now() - t0);
  }
  if (records.length * 5 !== counted) throw new Error(`the pairing gave ${records.length} records, then ${counted / 5} per timed round`);
  const dir = mkdtempSync(join(tmpdir(), 'flowmap-bench-store-'));
  const best = { worker: Infinity, workerCpu: Infinity, old: Infinity, bare: Infinity, bareCpu: Infinity };
  try {
    for (let round = 0; round < 2; round++) {
      // The store path of collect.
      const path = join(dir, `w${round}.duckdb`);
      const seed = await openStore(path);
      await seed.close();
      const w = new WorkerStore(path, { shared: true });
      await w.init();
      // The columns are built on the pairing's side as records come (measured above with it).
      const batches = [];
      for (let i = 0; i < records.length; i += 8192) batches.push(toColumns(records.slice(i, i + 8192)));
      let c0 = process.cpuUsage();
      let t0 = performance.now();
      const inFlight = [];
      for (const b of batches) {
        inFlight.push(w.appendBatch(b));
        if (inFlight.length >= 2) await inFlight.shift();
      }
      await Promise.all(inFlight);
      await w.close();
      best.worker = Math.min(best.worker, performance.now() - t0);
      best.workerCpu = Math.min(best.workerCpu, cpuMs(c0));
      // The old measure.
      t0 = performance.now();
      const oldPath = join(dir, `o${round}.duckdb`);
      for (let i = 0; i < records.length; i += 65_536) {
        const st = await openStore(oldPath);
        await st.append(records.slice(i, i + 65_536));
        await st.close();
      }
      best.old = Math.min(best.old, performance.now() - t0);
      // DuckDB alone: chunks built beforehand, then appended, flushed, committed and checkpointed.
      const inst = await api.DuckDBInstance.create(join(dir, `b${round}.duckdb`));
      const conn = await inst.connect();
      await conn.run(createFlowsTableSql('duckdb'));
      const probe = await conn.createAppender('flows');
      const types = Array.from({ length: probe.columnCount }, (_, i) => probe.columnType(i));
      probe.closeSync();
      const size = api.DuckDBVector.standardSize();
      const filler = new ChunkFiller(size, true);
      const txs = [];
      for (let i = 0; i < records.length; i += 131_072) {
        const cols = toColumns(records.slice(i, i + 131_072));
        const chunks = [];
        for (let j = 0; j < cols.count; j += size) chunks.push(filler.fill(types, duck.SOURCES, cols, j, Math.min(size, cols.count - j)));
        txs.push(chunks);
      }
      c0 = process.cpuUsage();
      t0 = performance.now();
      for (const chunks of txs) {
        await conn.run('BEGIN TRANSACTION');
        const app = await conn.createAppender('flows');
        for (const c of chunks) app.appendDataChunk(c);
        app.closeSync();
        await conn.run('COMMIT');
      }
      conn.closeSync();
      inst.closeSync();
      best.bare = Math.min(best.bare, performance.now() - t0);
      best.bareCpu = Math.min(best.bareCpu, cpuMs(c0));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const n = records.length;
  const r = {
    pipelineFlowsPerSec: perSec(flows, pipeMs), usPerFlow: (pipeMs * 1000) / flows, recordsPerFlow: n / flows,
    storeRecordsPerSec: perSec(n, best.worker), storeUsCpuPerRecord: (best.workerCpu * 1000) / n,
    oldStoreRecordsPerSec: perSec(n, best.old), bareRecordsPerSec: perSec(n, best.bare), bareUsCpuPerRecord: (best.bareCpu * 1000) / n,
  };
  log(`  decode + pairing (+ batch columns), no store: ${fmt(r.pipelineFlowsPerSec)} flows/s (${r.usPerFlow.toFixed(2)} us/flow, ${fmt(flows)} flows -> ${fmt(n)} records)`);
  log(`  store path as collect drives it (shared worker store, DuckDB): ${fmt(r.storeRecordsPerSec)} records/s = ${fmt(r.storeRecordsPerSec / r.recordsPerFlow)} flows/s; ${r.storeUsCpuPerRecord.toFixed(2)} us CPU per record`);
  log(`  DuckDbStore.append, open/append/checkpoint per 64 Ki records (the earlier measure): ${fmt(r.oldStoreRecordsPerSec)} records/s`);
  log(`  DuckDB alone, flows table, chunks built beforehand: ${fmt(r.bareRecordsPerSec)} records/s; ${r.bareUsCpuPerRecord.toFixed(2)} us CPU per record`);
  return r;
}

export async function collectBench(log = (s) => process.stderr.write(s + '\n')) {
  // Shared machines: the load says how far apart two runs' figures may be (compare within one run).
  const baseDir = process.env.BENCH_COLLECT_BASELINE;
  log(`  load average ${loadavg().map((x) => x.toFixed(1)).join(' ')} on ${availableParallelism()} cores${baseDir ? `; baseline: ${baseDir}` : ''}`);
  const parts = await breakdown(log);
  const peer = !process.env.BENCH_COLLECT_NO_PEER && have('nfcapd') && have('nfdump');
  if (!peer && !process.env.BENCH_COLLECT_NO_PEER) log('  nfcapd/nfdump not installed: flowmap alone (apt-get install nfdump)');
  // BENCH_COLLECT_BASELINE=DIR: another built checkout of flowmap (e.g. main) takes its turns too.
  const base = process.env.BENCH_COLLECT_BASELINE;
  const baseTool = base ? [[`flowmap baseline`, (rate, seconds) => flowmapStep(rate, seconds, join(base, 'dist', 'cli', 'main.js'))]] : [];
  const [flowmap, ...rest] = await ramp([['flowmap collect -> DuckDB', flowmapStep], ...baseTool, ...(peer ? [['nfcapd', nfcapdStep]] : [])], log);
  const baseline = base ? rest.shift() : null;
  const nfcapd = peer ? rest.shift() : null;
  return { parts, flowmap, baseline, nfcapd, ratio: nfcapd && nfcapd.sustained > 0 ? flowmap.sustained / nfcapd.sustained : null };
}

/** For bench/run.mjs: one run = the whole ramp of both; the rate shown is flowmap's sustained flows/s. */
export const collect = {
  name: 'collect: sustained NetFlow v9 -> DuckDB (flows/s)',
  count: 1_000_000,
  async prepare() {
    return have('nfcapd') ? null : 'nfcapd not installed';
  },
  /** flowmap/nfcapd sustained flows/s of the best run, for the ratios line. */
  bestRatio: null,
  best: 0,
  async once() {
    const r = await collectBench();
    if (r.flowmap.sustained > collect.best && r.ratio !== null) {
      collect.best = r.flowmap.sustained;
      collect.bestRatio = r.ratio;
    }
    const note = `nfcapd ${fmt(r.nfcapd?.sustained)} flows/s; flowmap/nfcapd ${r.ratio === null ? '-' : r.ratio.toFixed(2)}x; decode+pairing ${fmt(r.parts.pipelineFlowsPerSec)} flows/s, store path ${fmt(r.parts.storeRecordsPerSec)} records/s (DuckDB alone ${fmt(r.parts.bareRecordsPerSec)})`;
    return { ms: r.flowmap.sustained > 0 ? (collect.count / r.flowmap.sustained) * 1000 : Infinity, note };
  },
};

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  if (process.argv.length > 2) RATES.splice(0, RATES.length, ...process.argv.slice(2).map(Number));
  const r = await collectBench();
  process.stdout.write(`flowmap collect sustained: ${fmt(r.flowmap.sustained)} flows/s;${r.baseline ? ` baseline ${fmt(r.baseline.sustained)} flows/s;` : ''} nfcapd: ${fmt(r.nfcapd?.sustained)} flows/s; flowmap/nfcapd ${r.ratio?.toFixed(2) ?? '-'}x\n`);
  process.stdout.write(JSON.stringify(r) + '\n');
}
