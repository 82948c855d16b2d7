// Section `plan`: how long `flowmap plan` takes on the lab's data centre at about 200, 2,000 and
// 10,000 hosts (BENCH_PLAN_APPS / --plan-apps, applications of 5 hosts plus 9 shared hosts), and
// what it saves: the cut against the naive baseline (subnet /24 in address order). Each size is a
// generated capture ingested once into DuckDB (cached in bench/out); then, best of N in one warm
// process: loading the scope from the store, planning (shared-service detection, Louvain, packing,
// FM refinement), and the p95 rates of the cross-wave dependencies; and once, the whole command.
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { URL, fileURLToPath } from 'node:url';
import { OUT_DIR } from './gen.mjs';
import { best, fmt, printTable, runProcess } from './lib.mjs';

const dist = (p) => new URL(`../dist/${p}`, import.meta.url).href;
const CLI = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));

/** The data centre of `apps` applications as a DuckDB store (generated and ingested once). */
async function dcStore(apps, log, m) {
  const seed = 1;
  // Keyed by generator and schema version: a store cached before a schema change is built again.
  const base = join(OUT_DIR, `plan-dc${apps}-s${seed}-v${m.LAB_VERSION}-schema${m.SCHEMA_VERSION}`);
  const db = `${base}.duckdb`;
  const dc = m.datacenterSite({ apps, seed });
  if (!existsSync(`${base}.done`)) {
    mkdirSync(OUT_DIR, { recursive: true });
    rmSync(db, { force: true });
    const pcap = `${base}.pcap`;
    const t0 = performance.now();
    m.writeLabCapture(pcap, { site: dc.site, packets: dc.packets, seed, snaplen: 96, durationSec: 3600 });
    log(`plan ${apps} apps: capture of ${fmt(dc.packets)} packets in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    const t1 = performance.now();
    const r = await runProcess(process.execPath, [CLI, '--db', db, 'ingest', pcap]);
    if (r.code !== 0) throw new Error(`ingest failed: ${r.stderr}`);
    log(`plan ${apps} apps: ingested in ${((performance.now() - t1) / 1000).toFixed(1)} s`);
    rmSync(pcap, { force: true });
    writeFileSync(`${base}.done`, '');
  }
  return { db, truth: dc.truth };
}

export async function planBench({ appsList, waves, reps, log }) {
  const m = Object.assign(
    {},
    ...(await Promise.all(['gen/datacenter.js', 'gen/lab.js', 'analysis/scope.js', 'analysis/plan/plan.js', 'analysis/plan/rates.js', 'store/open.js', 'store/schema.js', 'services/registry.js', 'graph/groups.js', 'filter/parse.js'].map((p) => import(dist(p))))),
  );
  const rows = [['apps', 'hosts', 'dependencies', 'waves', 'load ms', 'plan ms', 'p95 ms', 'CLI s', 'shared found', 'apps whole', 'cut bytes', 'baseline bytes', 'cut deps', 'baseline deps', 'saved']];
  const results = [];
  for (const apps of appsList) {
    const { db, truth } = await dcStore(apps, log, m);
    const store = await m.openStore(db, { readOnly: true });
    const filter = m.parseFilter({}, Date.now());
    const services = m.ServiceRegistry.builtin();
    try {
      const load = await best(reps, () => m.loadScope(store, filter, services, { configNames: [], groups: new m.GroupRules() }));
      const scope = load.out;
      const opts = { waves, maxHosts: null, constraints: { pins: [], together: [], apart: [] }, shared: { mode: 'auto' } };
      const plan = await best(reps, () => m.planWaves(scope, opts));
      const rates = await best(reps, () => m.addCrossRates(store, filter, scope, JSON.parse(JSON.stringify(plan.out)), null));
      const p = plan.out;
      const waveOf = new Map();
      for (const w of p.waves) for (const h of w.hosts) waveOf.set(h.address, w.wave);
      const whole = truth.apps.filter((a) => new Set(a.hosts.map((h) => waveOf.get(h))).size === 1).length;
      const wantShared = new Set([...truth.sharedServers, ...truth.sharedClients]);
      const sharedOk = p.shared.filter((s) => wantShared.has(s.address)).length;
      const t0 = performance.now();
      const cli = await runProcess(process.execPath, [CLI, '--db', db, 'plan', '--waves', String(waves), '--json']);
      const cliMs = performance.now() - t0;
      if (cli.code !== 0) throw new Error(`plan failed: ${cli.stderr}`);
      const r = {
        apps, hosts: scope.hosts.size, dependencies: scope.rows.length, waves, loadMs: load.ms, planMs: plan.ms, p95Ms: rates.ms, cliMs,
        shared: `${sharedOk}/${wantShared.size}${p.shared.length > sharedOk ? ` +${p.shared.length - sharedOk}` : ''}`, whole: `${whole}/${truth.apps.length}`,
        cut: p.cut, baseline: p.baseline.cut,
      };
      results.push(r);
      log(`plan ${apps} apps: load ${load.ms.toFixed(0)} ms, plan ${plan.ms.toFixed(0)} ms, p95 ${rates.ms.toFixed(0)} ms, CLI ${(cliMs / 1000).toFixed(2)} s`);
      const saved = r.baseline.bytes > 0 ? `${(100 * (1 - r.cut.bytes / r.baseline.bytes)).toFixed(1)} %` : '-';
      rows.push([fmt(apps), fmt(r.hosts), fmt(r.dependencies), String(waves), fmt(r.loadMs), fmt(r.planMs), fmt(r.p95Ms), (cliMs / 1000).toFixed(2), r.shared, r.whole, fmt(r.cut.bytes), fmt(r.baseline.bytes), fmt(r.cut.dependencies), fmt(r.baseline.dependencies), saved]);
    } finally {
      await store.close();
    }
  }
  process.stdout.write(`\nflowmap plan --waves ${waves}: lab data centre (5-host applications + 9 shared hosts, 1 h of traffic), best of ${reps}\n`);
  printTable(rows);
  process.stdout.write(JSON.stringify({ bench: 'plan', waves, reps, results }) + '\n');
  return results;
}
