/**
 * The application layout on random inputs (many random streams, odd sizes, long names, empty and
 * one-member clusters, collapsed blocks, cycles): boxes never overlap, members stay inside their
 * cluster, the shared band and the clusters keep apart, and the same input gives the same answer.
 * Then the SVG drawn with it, checked by its geometry.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mulberry32 } from '../util/mulberry32.js';
import type { DepGraph, GraphEdge, GraphNode } from '../graph/model.js';
import { geometryProblems, svgGeometry } from '../testing/map-geometry.js';
import { appLayout, type AppLayoutInput } from './app-layout.js';
import { layoutGraph } from './layout.js';
import { renderSvg } from './svg.js';

function randomInput(seed: number): AppLayoutInput {
  const r = mulberry32(seed);
  const int = (n: number): number => Math.floor(r() * n);
  const clusters = int(14);
  const nodes: AppLayoutInput['nodes'] = [];
  const groups: AppLayoutInput['groups'] = [];
  let id = 0;
  const node = (block = false): string => {
    const n = `n${id++}`;
    nodes.push({ id: n, w: 20 + int(300), h: 20 + int(90), weight: int(1e6), block });
    return n;
  };
  for (let c = 0; c < clusters; c++) groups.push({ id: `g${c}`, members: Array.from({ length: int(25) }, () => node()), title: { w: 10 + int(400), h: 10 + int(20) } });
  if (r() < 0.8) groups.push({ id: 'shared', shared: true, members: Array.from({ length: 1 + int(30) }, () => node()), title: { w: 100, h: 20 } });
  for (let i = int(6); i > 0; i--) node(true);
  for (let i = int(20); i > 0; i--) node();
  const edges = Array.from({ length: int(nodes.length * 4) }, () => ({ source: nodes[int(nodes.length)].id, target: nodes[int(nodes.length)].id, weight: int(1e6) }));
  return { nodes, edges, groups };
}

const overlap = (a: { x: number; y: number; w: number; h: number }, b: typeof a): boolean => Math.min(a.x + a.w, b.x + b.w) - Math.max(a.x, b.x) > 0.01 && Math.min(a.y + a.h, b.y + b.h) - Math.max(a.y, b.y) > 0.01;

test('application layout, 300 random inputs: nothing overlaps, members inside, clusters apart, same input same answer', () => {
  for (let seed = 1; seed <= 300; seed++) {
    const input = randomInput(seed);
    const out = appLayout(input);
    assert.deepEqual(appLayout(structuredClone(input)), out, `seed ${seed}: deterministic`);
    const boxes = input.nodes.map((n) => ({ id: n.id, b: out.nodes[n.id] }));
    for (const { id, b } of boxes) {
      assert.ok(b && b.x >= 0 && b.y >= 0 && b.x + b.w <= out.width && b.y + b.h <= out.height, `seed ${seed}: ${id} placed inside the drawing`);
    }
    for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) assert.ok(!overlap(boxes[i].b, boxes[j].b), `seed ${seed}: ${boxes[i].id} and ${boxes[j].id} overlap`);
    const live = input.groups.filter((g) => g.members.length > 0);
    for (const g of live) {
      const gb = out.groups[g.id];
      for (const m of g.members) {
        const b = out.nodes[m];
        assert.ok(b.x >= gb.x && b.y >= gb.y + g.title.h && b.x + b.w <= gb.x + gb.w && b.y + b.h <= gb.y + gb.h, `seed ${seed}: ${m} inside ${g.id}, below its title`);
      }
      for (const n of boxes) if (!g.members.includes(n.id)) assert.ok(!overlap(n.b, gb), `seed ${seed}: ${n.id} lies on ${g.id}`);
    }
    for (let i = 0; i < live.length; i++) for (let j = i + 1; j < live.length; j++) assert.ok(!overlap(out.groups[live[i].id], out.groups[live[j].id]), `seed ${seed}: ${live[i].id} and ${live[j].id} overlap`);
  }
});

test('application layout: clients left of their servers inside a cluster, the shared band between the rows of clusters', () => {
  const nodes = ['w', 'a', 'd', 'w2', 'a2', 'd2', 'dns'].map((id) => ({ id, w: 100, h: 40, weight: 1 }));
  const edges = [
    ['w', 'a'], ['a', 'd'], ['w2', 'a2'], ['a2', 'd2'], ['w', 'dns'], ['w2', 'dns'], ['d', 'dns'],
  ].map(([source, target]) => ({ source, target, weight: 1 }));
  const groups = [
    { id: 'A', members: ['d', 'a', 'w'], title: { w: 20, h: 20 } },
    { id: 'B', members: ['d2', 'w2', 'a2'], title: { w: 20, h: 20 } },
    { id: 'S', members: ['dns'], shared: true, title: { w: 20, h: 20 } },
  ];
  const out = appLayout({ nodes, edges, groups });
  assert.ok(out.nodes.w.x < out.nodes.a.x && out.nodes.a.x < out.nodes.d.x, 'web, app, db from left to right');
  const [top, bottom] = [out.groups.A, out.groups.B].sort((p, q) => p.y - q.y);
  assert.ok(top.y + top.h < out.groups.S.y && out.groups.S.y + out.groups.S.h < bottom.y, 'band between the two rows');
});

function node(id: string, group?: string): GraphNode {
  return { id, kind: 'host', key: `10.0.0.${id.slice(1)}`, label: `${'very-long-host-name-'.repeat(3)}${id}.example`, addresses: [`10.0.0.${id.slice(1)}`], group, bytesServed: 1000, bytesUsed: 10 };
}

function edge(id: string, source: string, target: string, bytes: number): GraphEdge {
  return { id, source, target, port: 443, proto: 'tcp', service: 'https', process: null, bytes_c2s: bytes / 2, bytes_s2c: bytes / 2, bytes, packets: 1, connections: 1, first_seen: '', last_seen: '' };
}

test('SVG with the clusters layout, random graphs: no label on another label or node, hosts inside clusters, shared apart', async () => {
  for (let seed = 1; seed <= 20; seed++) {
    const r = mulberry32(seed * 7);
    const nodes: GraphNode[] = [];
    const groups: DepGraph['groups'] = [];
    for (let c = 0; c < 2 + Math.floor(r() * 8); c++) {
      for (let i = 1 + Math.floor(r() * 6); i > 0; i--) nodes.push(node(`n${nodes.length + 1}`, `g${c + 1}`));
      groups.push({ id: `g${c + 1}`, name: `app ${c}`, members: nodes.filter((n) => n.group === `g${c + 1}`).map((n) => n.id) });
    }
    const shared = `g${groups.length + 1}`;
    for (let i = 0; i < 4; i++) nodes.push(node(`n${nodes.length + 1}`, shared));
    groups.push({ id: shared, name: 'shared services', members: nodes.filter((n) => n.group === shared).map((n) => n.id), shared: true });
    const edges = Array.from({ length: nodes.length * 3 }, (_, i) => edge(`e${i + 1}`, nodes[Math.floor(r() * nodes.length)].id, nodes[Math.floor(r() * nodes.length)].id, 1 + Math.floor(r() * 1e7)));
    const g: DepGraph = { nodes, edges, groups, meta: { groupBy: 'host', totalEdges: edges.length, totalBytes: 0, cutEdges: 0, cutBytes: 0, other: 'fold' } };
    const geo = svgGeometry(renderSvg(g, await layoutGraph(g, 'clusters')));
    assert.equal(geo.nodes.length, nodes.length);
    assert.deepEqual(geometryProblems(geo), [], `seed ${seed}`);
    assert.ok(geo.labels.some((l) => l.owner.startsWith('e')), `seed ${seed}: some edges are captioned`);
  }
});
