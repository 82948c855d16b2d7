/**
 * Big maps get cheaper ELK settings: still no overlapping nodes, captions clear of nodes and of each
 * other, every edge routed with its caption; and the settings switch at the documented sizes.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { labScale } from '../testing/lab-scale.js';
import { chooseEffort, EFFORT_LIMITS, layoutGraph, type Box, type LayoutEffort } from './layout.js';
import { overlaps } from './layout-geometry.js';
import type { DepGraph } from '../graph/model.js';

test('effort by size: full up to 150 dependencies, fast up to 500, fastest beyond', () => {
  assert.equal(chooseEffort(0), 'full');
  assert.equal(chooseEffort(EFFORT_LIMITS.full), 'full');
  assert.equal(chooseEffort(EFFORT_LIMITS.full + 1), 'fast');
  assert.equal(chooseEffort(EFFORT_LIMITS.fast), 'fast');
  assert.equal(chooseEffort(EFFORT_LIMITS.fast + 1), 'fastest');
});

test('lab maps: the requested number of dependencies, every host in a group or not, deterministic', () => {
  const a = labScale(300);
  assert.equal(a.edges.length, 300);
  assert.deepEqual(labScale(300), a);
  assert.ok(a.groups.length >= 4);
});

/** `captions`: the share of edges whose caption must be placed (all, unless the engine does not place them). */
function assertReadable(g: DepGraph, boxes: { nodes: Record<string, Box>; edges: Record<string, { points: unknown[]; label: Box | null }> }, captions = 1): void {
  const nodes = g.nodes.map((n) => ({ id: n.id, b: boxes.nodes[n.id] }));
  for (let i = 0; i < nodes.length; i++) for (let j = i + 1; j < nodes.length; j++) assert.ok(!overlaps(nodes[i].b, nodes[j].b), `${nodes[i].id} and ${nodes[j].id} overlap`);
  const labels: Array<{ id: string; b: Box }> = [];
  for (const e of g.edges) {
    const r = boxes.edges[e.id];
    assert.ok(r && r.points.length >= 2, `${e.id} routed`);
    if (r.label) labels.push({ id: e.id, b: r.label });
  }
  assert.ok(labels.length >= g.edges.length * captions, `${labels.length} of ${g.edges.length} captions placed`);
  for (const l of labels) for (const n of nodes) assert.ok(!overlaps(l.b, n.b), `caption of ${l.id} on node ${n.id}`);
  // Sweep by x so a few hundred captions stay cheap to check.
  labels.sort((a, b) => a.b.x - b.b.x);
  for (let i = 0; i < labels.length; i++) {
    for (let j = i + 1; j < labels.length && labels[j].b.x < labels[i].b.x + labels[i].b.w; j++) assert.ok(!overlaps(labels[i].b, labels[j].b), `captions of ${labels[i].id} and ${labels[j].id} overlap`);
  }
}

for (const [size, effort] of [[300, 'fast'], [200, 'fastest']] as Array<[number, LayoutEffort]>) {
  test(`${size} dependencies with ${effort} settings: readable, and in seconds`, { timeout: 120_000 }, async () => {
    const g = labScale(size);
    const t0 = performance.now();
    const layout = await layoutGraph(g, 'layered', effort);
    const ms = performance.now() - t0;
    assert.equal(layout.effort, effort);
    // fastest leaves captions out of the engine and places them where they fit (197 of 200 here).
    assertReadable(g, layout, effort === 'fastest' ? 0.95 : 1);
    // The full settings needed about 9 s here for 300 (2 shared cores): the cheap ones stay far below.
    assert.ok(ms < 8000, `${effort} layout of ${size} dependencies took ${ms.toFixed(0)} ms`);
  });
}

test('folded traffic ends at an "other" tag beside its node, not at the one "other" box', async () => {
  const g = labScale(120, 40);
  const other = g.nodes.find((n) => n.kind === 'other');
  assert.ok(other);
  const folded = g.edges.filter((e) => e.source === other.id || e.target === other.id);
  assert.ok(folded.length > 10);
  const layout = await layoutGraph(g, 'layered');
  assertReadable(g, layout);
  const near = (p: { x: number; y: number }, b: Box): boolean => p.x >= b.x - 1 && p.x <= b.x + b.w + 1 && p.y >= b.y - 1 && p.y <= b.y + b.h + 1;
  for (const e of folded) {
    const tag = layout.otherTags[e.id];
    assert.ok(tag, `${e.id} has a tag`);
    const pts = layout.edges[e.id].points;
    // The line joins the drawn node and its tag, in the edge's direction (client -> server).
    assert.ok(near(e.source === other.id ? pts[0] : pts[pts.length - 1], tag), `${e.id} ends at its tag`);
    for (const n of g.nodes) assert.ok(!overlaps(tag, layout.nodes[n.id]), `tag of ${e.id} on node ${n.id}`);
  }
  assert.equal(Object.keys(layout.otherTags).length, folded.length);
});

test('force layouts: folded traffic ends at a tag beside its node where there is room', async () => {
  const g = labScale(120, 40);
  const other = g.nodes.find((n) => n.kind === 'other');
  assert.ok(other);
  const folded = g.edges.filter((e) => e.source === other.id || e.target === other.id);
  const layout = await layoutGraph(g, 'force');
  const tagged = folded.filter((e) => layout.otherTags[e.id]);
  assert.ok(tagged.length >= folded.length * 0.8, `${tagged.length} of ${folded.length} folded edges end at a tag`);
  const tags = Object.values(layout.otherTags);
  // Everything drawn lies inside the picture.
  for (const b of [...tags, ...Object.values(layout.nodes), ...Object.values(layout.edges).flatMap((r) => (r.label ? [r.label] : []))]) {
    assert.ok(b.x >= 0 && b.y >= 0 && b.x + b.w <= layout.width && b.y + b.h <= layout.height, 'inside the picture');
  }
  for (let i = 0; i < tags.length; i++) {
    for (const n of g.nodes) assert.ok(!overlaps(tags[i], layout.nodes[n.id]), `a tag lies on node ${n.id}`);
    for (let j = i + 1; j < tags.length; j++) assert.ok(!overlaps(tags[i], tags[j]), 'two tags overlap');
  }
  for (const e of tagged) {
    const pts = layout.edges[e.id].points;
    const near = (p: { x: number; y: number }, b: Box): boolean => p.x >= b.x - 1 && p.x <= b.x + b.w + 1 && p.y >= b.y - 1 && p.y <= b.y + b.h + 1;
    assert.ok(near(e.source === other.id ? pts[0] : pts[pts.length - 1], layout.otherTags[e.id]), `${e.id} ends at its tag`);
  }
});
