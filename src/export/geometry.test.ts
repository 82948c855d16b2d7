/**
 * Diagram quality on a 50-host lab: the ELK layout and the SVG drawn from it, measured by Chromium
 * itself (real text widths): no two nodes overlap, no caption overlaps another caption or a node,
 * node captions fit their boxes, every group holds its members. Also saved as PNG.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { layoutGraph, type Box, type LayoutKind } from './layout.js';
import { hasChromium, launchChromium } from '../testing/chromium.js';
import { lab50 } from '../testing/lab50.js';
import { renderSvg } from './svg.js';

const overlap = (a: Box, b: Box, gap = 0): boolean => a.x < b.x + b.w + gap && b.x < a.x + a.w + gap && a.y < b.y + b.h + gap && b.y < a.y + a.h + gap;

/** Shortest distance between a box and a polyline (0 when the line runs through the box). */
function gapToLine(b: Box, pts: Array<{ x: number; y: number }>): number {
  let best = Infinity;
  for (let i = 1; i < pts.length; i++) {
    for (let t = 0; t <= 1; t += 0.01) {
      const x = pts[i - 1].x + (pts[i].x - pts[i - 1].x) * t;
      const y = pts[i - 1].y + (pts[i].y - pts[i - 1].y) * t;
      best = Math.min(best, Math.hypot(Math.max(b.x - x, 0, x - (b.x + b.w)), Math.max(b.y - y, 0, y - (b.y + b.h))));
    }
  }
  return best;
}

function pairs<T>(xs: T[], f: (a: T, b: T) => void): void {
  for (let i = 0; i < xs.length; i++) for (let j = i + 1; j < xs.length; j++) f(xs[i], xs[j]);
}

for (const kind of ['layered', 'force'] as LayoutKind[]) {
  test(`50-host lab, ${kind} layout: nodes never overlap; groups hold their members`, async () => {
    const { graph } = lab50();
    const hosts = graph.nodes.filter((n) => n.kind === 'host').length;
    assert.equal(hosts, 50);
    const layout = await layoutGraph(graph, kind);
    const boxes = graph.nodes.map((n) => ({ id: n.id, b: layout.nodes[n.id] }));
    pairs(boxes, (a, b) => assert.ok(!overlap(a.b, b.b), `${a.id} and ${b.id} overlap`));
    for (const grp of graph.groups) {
      const gb = layout.groups[grp.id];
      for (const m of grp.members) {
        const b = layout.nodes[m];
        assert.ok(b.x >= gb.x && b.y >= gb.y && b.x + b.w <= gb.x + gb.w && b.y + b.h <= gb.y + gb.h, `${m} inside ${grp.name}`);
      }
    }
    // Groups do not overlap each other, nor nodes that are not theirs.
    pairs(Object.entries(layout.groups), ([a, ab], [b, bb]) => assert.ok(!overlap(ab, bb), `groups ${a} and ${b} overlap`));
    for (const n of graph.nodes) {
      for (const grp of graph.groups) if (n.group !== grp.id) assert.ok(!overlap(layout.nodes[n.id], layout.groups[grp.id]), `${n.id} lies on group ${grp.name}`);
    }
    // Captions never sit on a node or on another caption; layered places every one.
    const labels = graph.edges.flatMap((e) => {
      const b = layout.edges[e.id].label;
      return b ? [{ id: e.id, b }] : [];
    });
    if (kind === 'layered') assert.equal(labels.length, graph.edges.length);
    // Force: on the line or just beside it; 102 of 104 here (was 89 when only on the line).
    else assert.ok(labels.length >= graph.edges.length * 0.95, `force placed ${labels.length} of ${graph.edges.length} captions`);
    pairs(labels, (a, b) => assert.ok(!overlap(a.b, b.b), `labels of ${a.id} and ${b.id} overlap`));
    for (const l of labels) for (const n of boxes) assert.ok(!overlap(l.b, n.b), `label of ${l.id} on node ${n.id}`);
    // Each caption touches its own line (measured here: 5 px layered, under 12 px force).
    for (const l of labels) {
      const d = gapToLine(l.b, layout.edges[l.id].points);
      assert.ok(d <= (kind === 'layered' ? 6 : 15), `caption of ${l.id} is ${d.toFixed(1)} px from its line`);
    }
  });
}

test('50-host lab as SVG in Chromium: measured text does not collide; PNG screenshot', { skip: !hasChromium() && 'chromium not installed', timeout: 180_000 }, async () => {
  const { graph } = lab50();
  const layout = await layoutGraph(graph, 'layered');
  const svg = renderSvg(graph, layout);
  const dir = mkdtempSync(join(tmpdir(), 'flowmap-geom-'));
  const browser = await launchChromium();
  try {
    const width = Math.min(Math.max(layout.width, 400), 4000);
    const page = await browser.newPage({ viewport: { width, height: Math.min(layout.height + 40, 4000) } });
    await page.setContent(`<!doctype html><html><body style="margin:0">${svg.replace(/^<\?xml[^>]*>\n/, '')}</body></html>`);
    const m = await page.evaluate(() => {
      const box = (el: Element): { x: number; y: number; w: number; h: number } => {
        const r = (el as SVGGraphicsElement).getBBox();
        return { x: r.x, y: r.y, w: r.width, h: r.height };
      };
      const nodes = [...document.querySelectorAll('g.node')].map((g) => ({ id: g.id, rect: box(g.querySelector('rect') as Element), texts: [...g.querySelectorAll('text')].map(box) }));
      const labels = [...document.querySelectorAll('g.edge-label')].map((g) => ({ id: g.getAttribute('data-edge') ?? '', texts: [...g.querySelectorAll('text')].map(box) }));
      return { nodes, labels };
    });
    assert.equal(m.nodes.length, graph.nodes.length);
    assert.equal(m.labels.length, graph.edges.length);
    for (const n of m.nodes) {
      for (const t of n.texts) assert.ok(t.x >= n.rect.x && t.x + t.w <= n.rect.x + n.rect.w, `caption of ${n.id} fits its box`);
    }
    const textBoxes = [
      ...m.nodes.flatMap((n) => n.texts.map((b) => ({ who: n.id, b }))),
      ...m.labels.flatMap((l) => l.texts.map((b) => ({ who: l.id, b }))),
    ];
    pairs(textBoxes, (a, b) => {
      if (a.who !== b.who) assert.ok(!overlap(a.b, b.b), `text of ${a.who} and ${b.who} on top of each other`);
    });
    const png = join(dir, 'lab50.png');
    await page.screenshot({ path: png, timeout: 120_000 });
    const buf = readFileSync(png);
    assert.equal(buf.subarray(1, 4).toString('latin1'), 'PNG');
    assert.equal(buf.readUInt32BE(16), width, 'PNG as wide as the map');
    if (process.env.FLOWMAP_KEEP_PNG) writeFileSync(process.env.FLOWMAP_KEEP_PNG, buf);
  } finally {
    await browser.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
