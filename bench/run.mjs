// flowmap benchmark: one deterministic capture, every section timed best-of-N with the rounds
// interleaved (so drift on a noisy machine hits all tools alike), then packets/s and ratios.
//
//   npm run bench                       # 3 M packets, snaplen 96, 3 rounds
//   BENCH_PACKETS=500000 npm run bench  # or: node bench/run.mjs --packets 500000 --reps 5
//   node bench/run.mjs --sections flowmap,softflowd,argus,decode,stores
//   node bench/run.mjs --sections flowmap,softflowd --packets 2000000 --flows 5000,200000   # ingest vs softflowd goals
//   BENCH_RECORDS=10000000 node bench/run.mjs --sections stores   # the stores section at 10 M records
//   node bench/run.mjs --sections layout --layout-sizes 50,300,1000   # diagram layout time by map size
//   node bench/run.mjs --sections web   # the web map at 2,000 hosts / 10,000 edges in headless Chromium
//   node bench/run.mjs --sections plan --plan-apps 40,400,2000   # flowmap plan at ~200, 2,000, 10,000 hosts
import { ensureCapture } from './gen.mjs';
import { fmt, printTable } from './lib.mjs';
import { flowmapIngest, ingestFloor } from './flowmap.mjs';
import { softflowd, argus } from './peers.mjs';
import { decodeOnly } from './decode-only.mjs';
import { storesBench } from './stores.mjs';
import { layoutBench } from './layout.mjs';
import { flowExportDecode } from './flowexport-decode.mjs';
import { sinkNames, sinkOnly } from './names.mjs';
import { collect } from './collect.mjs';
import { printWebScale, webScaleBench } from './web-scale.mjs';
import { planBench } from './plan.mjs';

/** Sections by key; a later stage adds its own module here. */
const SECTIONS = { flowmap: flowmapIngest, softflowd, argus, decode: decodeOnly, sink: sinkOnly, names: sinkNames, 'flowexport-decode': flowExportDecode, collect };

function arg(name, envName, dflt) {
  const i = process.argv.indexOf(`--${name}`);
  if (i >= 0 && process.argv[i + 1] !== undefined) return process.argv[i + 1];
  return process.env[envName] ?? dflt;
}

const params = {
  packets: Number(arg('packets', 'BENCH_PACKETS', 3_000_000)),
  snaplen: Number(arg('snaplen', 'BENCH_SNAPLEN', 96)),
  seed: Number(arg('seed', 'BENCH_SEED', 1)),
  format: arg('format', 'BENCH_FORMAT', 'pcap'),
};
const reps = Number(arg('reps', 'BENCH_REPS', 3));
// Captures by conversation count: `--flows 5000,200000` runs the capture sections on each (0: the
// home lab's own mix); with flowmap and softflowd both run, a summary against the goals follows.
const flowsList = String(arg('flows', 'BENCH_FLOWS', '0')).split(',').map(Number).filter((n) => n >= 0);
const allKeys = String(arg('sections', 'BENCH_SECTIONS', 'flowmap,softflowd,argus,decode,flowexport-decode,collect,stores,layout')).split(',').filter(Boolean);
// `stores` times flow records in each backend, `layout` diagram layouts and `web` the map page, not a
// capture: they run after the capture sections.
const withStores = allKeys.includes('stores');
const withLayout = allKeys.includes('layout');
const withWeb = allKeys.includes('web');
const withPlan = allKeys.includes('plan');
const keys = allKeys.filter((k) => k !== 'stores' && k !== 'layout' && k !== 'web' && k !== 'plan');
const records = Number(arg('records', 'BENCH_RECORDS', 1_000_000));
const planApps = String(arg('plan-apps', 'BENCH_PLAN_APPS', '40,400,2000')).split(',').map(Number).filter((n) => n > 0);
const planWavesN = Number(arg('plan-waves', 'BENCH_PLAN_WAVES', 10));
const layoutSizes = String(arg('layout-sizes', 'BENCH_LAYOUT_SIZES', '50,150,300,1000')).split(',').map(Number).filter((n) => n > 0);

const log = (s) => process.stderr.write(s + '\n');

if (keys.length === 0) {
  if (withStores) await storesBench({ count: records, reps, log });
  if (withLayout) await layoutBench({ sizes: layoutSizes, reps, log });
  if (withWeb) printWebScale(await webScaleBench({ reps, log }));
  if (withPlan) await planBench({ appsList: planApps, waves: planWavesN, reps, log });
  process.exit(0);
}

/** Goals of `flowmap ingest` against softflowd -r on the same capture (issue 15). */
const GOAL_SPEED = 2;
const GOAL_RSS = (softflowdKiB) => 2 * softflowdKiB + 100 * 1024;
const mib = (kib) => (kib === undefined ? '-' : `${(kib / 1024).toFixed(0)} MiB`);
const secs = (ms) => (ms === undefined ? '-' : (ms / 1000).toFixed(2));
const summaries = [];

/** Every capture section on one capture, rounds interleaved; prints its table and JSON line. */
async function runCapture(params) {
  const cap = await ensureCapture(params);
  log(
    cap.cached
      ? `capture: ${cap.file} (cached, ${fmt(cap.frames)} frames)`
      : `capture: ${cap.file} generated: ${fmt(cap.frames)} frames, ${fmt(cap.fileBytes / 1e6)} MB in ${(cap.genMs / 1000).toFixed(1)} s (${fmt((cap.frames / cap.genMs) * 1000)} packets/s)`,
  );
  const ctx = { file: cap.file, frames: cap.frames };

  const active = [];
  const results = {};
  for (const key of keys) {
    const s = SECTIONS[key];
    if (!s) {
      log(`unknown section ${key}; known: ${Object.keys(SECTIONS).join(', ')}`);
      process.exit(2);
    }
    const why = s.prepare ? await s.prepare(ctx) : null;
    results[key] = { name: s.name, runs: [], usage: [], skipped: why ?? undefined };
    if (why) log(`${s.name}: skipped (${why})`);
    else active.push(key);
  }

  for (let round = 1; round <= reps; round++) {
    for (const key of active) {
      const r = results[key];
      if (r.error) continue;
      try {
        const { ms, note, cpuMs, maxRssKiB } = await SECTIONS[key].once(ctx);
        r.runs.push(ms);
        r.usage.push({ cpuMs, maxRssKiB });
        if (note) r.note = note;
        log(`round ${round}/${reps}  ${r.name}: ${(ms / 1000).toFixed(2)} s${cpuMs !== undefined ? `, CPU ${(cpuMs / 1000).toFixed(2)} s, max RSS ${mib(maxRssKiB)}` : ''}`);
      } catch (e) {
        r.error = e instanceof Error ? e.message : String(e);
        log(`${r.name}: failed: ${r.error}`);
      }
    }
  }

  for (const [k, r] of Object.entries(results)) {
    if (r.runs.length) {
      r.bestMs = Math.min(...r.runs);
      const u = r.usage[r.runs.indexOf(r.bestMs)];
      r.cpuMs = u?.cpuMs;
      r.maxRssKiB = u?.maxRssKiB;
      // Sections that do not read the capture say how many items (e.g. export records) a run handles.
      r.pps = ((SECTIONS[k].count ?? ctx.frames) / r.bestMs) * 1000;
    }
  }
  const pps = (k) => results[k]?.pps;
  const ratios = {};
  for (const peer of ['softflowd', 'argus']) if (pps('flowmap') && pps(peer)) ratios[`flowmap/${peer}`] = pps('flowmap') / pps(peer);
  // The name peeks' cost on the packet path: packets/s with them over packets/s without.
  if (pps('names') && pps('sink')) ratios['names/sink'] = pps('names') / pps('sink');
  if (collect.bestRatio) ratios['collect flowmap/nfcapd (sustained flows/s)'] = collect.bestRatio;

  const rows = [['section', 'best s', 'CPU s', 'max RSS', 'packets/s', 'runs', 'note']];
  for (const r of Object.values(results)) {
    rows.push([r.name, r.bestMs ? (r.bestMs / 1000).toFixed(2) : '-', secs(r.cpuMs), mib(r.maxRssKiB), fmt(r.pps), r.runs.map((m) => (m / 1000).toFixed(2)).join(' ') || '-', r.skipped ? `skipped: ${r.skipped}` : r.error ? `error: ${r.error}` : (r.note ?? '')]);
  }
  const label = params.flows ? `~${fmt(params.flows)} flows` : 'home lab';
  process.stdout.write(`\nflowmap bench: ${fmt(ctx.frames)} frames (${label}, ${fmt(cap.conversations)} conversations), snaplen ${params.snaplen}, ${params.format}, best of ${reps}\n`);
  printTable(rows);
  for (const [k, v] of Object.entries(ratios)) process.stdout.write(`${k}: ${v.toFixed(2)}x\n`);
  process.stdout.write(
    JSON.stringify({
      bench: 'flowmap',
      frames: ctx.frames,
      params,
      reps,
      results: Object.fromEntries(Object.entries(results).map(([k, r]) => [k, { bestMs: r.bestMs, cpuMs: r.cpuMs, maxRssKiB: r.maxRssKiB, pps: r.pps, runs: r.runs, skipped: r.skipped, error: r.error, note: r.note }])),
      ratios,
    }) + '\n',
  );
  if (results.flowmap?.bestMs && results.softflowd?.bestMs) {
    const recs = /^(\d+) records$/.exec(results.flowmap.note ?? '');
    summaries.push({ label: `${fmt(ctx.frames)} pkts, ${label}`, records: recs ? fmt(Number(recs[1])) : undefined, fm: results.flowmap, sfd: results.softflowd });
  }
}

for (const flows of flowsList) await runCapture({ ...params, flows });
if (summaries.length > 0) {
  process.stdout.write(`\nflowmap ingest vs softflowd -r (best wall of ${reps}; CPU and max RSS of that run; goals: ${GOAL_SPEED}x the speed, max RSS <= 2 x softflowd's + 100 MiB)\n`);
  const rows = [['capture', 'records', 'flowmap wall', 'CPU', 'max RSS', 'softflowd wall', 'CPU', 'max RSS', 'speed (goal 2x)', 'CPU ratio', 'RSS goal']];
  for (const m of summaries) {
    const speed = m.sfd.bestMs / m.fm.bestMs;
    const rssGoal = m.sfd.maxRssKiB !== undefined ? GOAL_RSS(m.sfd.maxRssKiB) : undefined;
    rows.push([
      m.label,
      m.records ?? '-',
      `${secs(m.fm.bestMs)} s`,
      `${secs(m.fm.cpuMs)} s`,
      mib(m.fm.maxRssKiB),
      `${secs(m.sfd.bestMs)} s`,
      `${secs(m.sfd.cpuMs)} s`,
      mib(m.sfd.maxRssKiB),
      `${speed.toFixed(2)}x ${speed >= GOAL_SPEED ? 'ok' : 'MISS'}`,
      m.fm.cpuMs && m.sfd.cpuMs ? `${(m.sfd.cpuMs / m.fm.cpuMs).toFixed(2)}x` : '-',
      rssGoal === undefined || m.fm.maxRssKiB === undefined ? '-' : `<= ${mib(rssGoal)} ${m.fm.maxRssKiB <= rssGoal ? 'ok' : 'MISS'}`,
    ]);
  }
  printTable(rows);
  // Summaries exist only where flowmap ingest ran, so the CLI is built.
  const floor = await ingestFloor(reps);
  const fastest = Math.min(...summaries.map((m) => m.sfd.bestMs)) / GOAL_SPEED;
  process.stdout.write(
    `flowmap ingest's floor, the same command on a capture with no packets: ${secs(floor.ms)} s, max RSS ${mib(floor.maxRssKiB)}` +
      ` (the speed goal allows ${secs(fastest)} s on the fastest capture above; the RSS goal allows ${mib(100 * 1024)} beyond twice softflowd's)\n`,
  );
}

if (withStores) await storesBench({ count: records, reps, log });
if (withLayout) await layoutBench({ sizes: layoutSizes, reps, log });
if (withWeb) printWebScale(await webScaleBench({ reps, log }));
if (withPlan) await planBench({ appsList: planApps, waves: planWavesN, reps, log });
