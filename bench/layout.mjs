// Section `layout`: ELK layout time of generated data-centre maps by size (50, 150, 300, 1000
// dependencies; BENCH_LAYOUT_SIZES / --layout-sizes), layered (with the settings flowmap picks for
// that size) and force, best of N in one warm process; the peer is Graphviz `dot -Tsvg` laying out
// the same map from flowmap's DOT export (layout plus drawing, its own process). Up to 500
// dependencies the `full` settings (what every size used before) are timed too, for the gain.
import { mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { URL } from 'node:url';
import { OUT_DIR } from './gen.mjs';
import { best, have, printTable, runProcess } from './lib.mjs';

const dist = (p) => new URL(`../dist/${p}`, import.meta.url).href;

export async function layoutBench({ sizes, reps, log, dotTimeoutMs = 120_000 }) {
  const [{ labScale }, { layoutGraph, chooseEffort }, { renderDot }, { produceExport, MAX_LAYERED_EDGES }] = await Promise.all([
    import(dist('testing/lab-scale.js')), import(dist('export/layout.js')), import(dist('export/dot.js')), import(dist('export/produce.js')),
  ]);
  // elkjs compiles on first use: one small layout first so no size pays for it.
  await layoutGraph(labScale(10));
  const withDot = have('dot');
  mkdirSync(OUT_DIR, { recursive: true });
  const rows = [['dependencies', 'nodes', 'layered ms', 'effort', 'layered WxH', 'full ms', 'full/layered', 'force ms', 'export svg ms', 'dot -Tsvg ms', 'dot/layered', 'dot/export']];
  const results = [];
  for (const size of sizes) {
    const g = labScale(size);
    const effort = chooseEffort(g.edges.length);
    // Above MAX_LAYERED_EDGES flowmap draws with the block layout: ELK would take minutes there.
    const withElk = g.edges.length <= MAX_LAYERED_EDGES;
    const layered = withElk ? await best(reps, () => layoutGraph(g, 'layered')) : undefined;
    if (layered) log(`layout ${size}: layered (${effort}) ${layered.ms.toFixed(0)} ms`);
    const full = effort !== 'full' && g.edges.length <= 500 ? await best(reps, () => layoutGraph(g, 'layered', 'full')) : undefined;
    if (full) log(`layout ${size}: layered (full) ${full.ms.toFixed(0)} ms`);
    const force = withElk ? await best(reps, () => layoutGraph(g, 'force')) : undefined;
    if (force) log(`layout ${size}: force ${force.ms.toFixed(0)} ms`);
    // What `flowmap export -f svg` does for this map: layout and drawing.
    const exported = await best(reps, () => produceExport('svg', g, 'layered'));
    log(`layout ${size}: export svg ${exported.ms.toFixed(0)} ms`);
    let dotMs;
    if (withDot) {
      const file = join(OUT_DIR, `layout-${size}-${process.pid}.dot`);
      writeFileSync(file, renderDot(g));
      const runs = [];
      for (let i = 0; i < reps; i++) {
        const r = await runProcess('dot', ['-Tsvg', '-o', '/dev/null', file], { timeoutMs: dotTimeoutMs });
        if (r.code !== 0) break;
        runs.push(r.ms);
      }
      rmSync(file, { force: true });
      if (runs.length === reps) dotMs = Math.min(...runs);
      log(`layout ${size}: dot ${dotMs === undefined ? `failed or over ${dotTimeoutMs / 1000} s` : `${dotMs.toFixed(0)} ms`}`);
    }
    const l = layered?.out;
    const ratio = (a, b) => (a === undefined || b === undefined ? '-' : `${(a / b).toFixed(2)}x`);
    rows.push([
      g.edges.length, g.nodes.length, layered ? layered.ms.toFixed(0) : '-', withElk ? effort : 'blocks', l ? `${l.width}x${l.height}` : '-', full ? full.ms.toFixed(0) : '-',
      full && layered ? `${(full.ms / layered.ms).toFixed(2)}x` : '-', force ? force.ms.toFixed(0) : '-', exported.ms.toFixed(0), dotMs === undefined ? '-' : dotMs.toFixed(0),
      ratio(dotMs, layered?.ms), ratio(dotMs, exported.ms),
    ]);
    results.push({ edges: g.edges.length, nodes: g.nodes.length, effort: withElk ? effort : 'blocks', layeredMs: layered?.ms, fullMs: full?.ms, forceMs: force?.ms, exportMs: exported.ms, dotMs, width: l?.width, height: l?.height });
  }
  process.stdout.write(`\nflowmap bench: layout (ELK in-process, best of ${reps}; dot/layered and dot/export > 1 mean flowmap is faster; export = layout + drawing as \`export -f svg\`, the block layout above ${MAX_LAYERED_EDGES} dependencies)\n`);
  printTable(rows);
  process.stdout.write(JSON.stringify({ bench: 'layout', reps, results }) + '\n');
}
