import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildGraph, parseGroupBy } from './build.js';
import { GroupRules, globToRegExp } from './groups.js';
import { NameBook } from '../names/names.js';
import { edge, names } from '../testing/graphs.js';

const ROWS = [
  edge('10.0.0.1', '10.0.1.1', 443, 1000, 'tcp', 'https'),
  edge('10.0.0.2', '10.0.1.1', 443, 3000, 'tcp', 'https'),
  edge('10.0.0.2', '10.0.1.2', 5432, 500, 'tcp', 'postgresql'),
  edge('10.0.1.1', '10.0.1.2', 5432, 2000, 'tcp', 'postgresql'),
  edge('10.0.5.5', '10.0.6.6', 22, 10, 'tcp', 'ssh'),
];
const base = { groupBy: { kind: 'host' as const }, top: 0, other: 'fold' as const, names: new NameBook(), groups: new GroupRules() };

test('host graph: one node per host, one edge per (client, server, port, proto), exact totals', () => {
  const g = buildGraph(ROWS, base);
  assert.equal(g.nodes.length, 6);
  assert.equal(g.edges.length, 5);
  assert.deepEqual(g.edges.map((e) => e.bytes), [3000, 2000, 1000, 500, 10]);
  const byKey = new Map(g.nodes.map((n) => [n.key, n]));
  const s = byKey.get('10.0.1.1');
  assert.ok(s);
  assert.equal(s.bytesServed, 4000);
  assert.equal(s.bytesUsed, 2000);
  // Ids are stable and safe; every edge end names a node.
  for (const e of g.edges) assert.ok(g.nodes.some((n) => n.id === e.source) && g.nodes.some((n) => n.id === e.target));
  assert.equal(g.meta.totalBytes, 6510);
});

test('--top folds the rest into "other": one folded edge per drawn node, bytes conserved', () => {
  const g = buildGraph(ROWS, { ...base, top: 2 });
  assert.equal(g.meta.cutEdges, 3);
  assert.equal(g.meta.cutBytes, 1510);
  const other = g.nodes.find((n) => n.kind === 'other');
  assert.ok(other);
  const folded = g.edges.filter((e) => e.proto === 'various');
  // 10.0.0.2 -> 10.0.1.2 (500) is a drawn client: folded to 10.0.0.2 -> other; 10.0.0.1 -> 10.0.1.1
  // (1000): 10.0.0.1 is not drawn, 10.0.1.1 is: other -> 10.0.1.1; 10.0.5.5 -> 10.0.6.6 stays inside other.
  assert.deepEqual(folded.map((e) => [e.bytes, e.service]).sort(), [[1000, '1 more'], [500, '1 more']]);
  assert.equal(g.edges.reduce((s, e) => s + e.bytes, 0), 6510 - 10);
  const dropped = buildGraph(ROWS, { ...base, top: 2, other: 'drop' });
  assert.equal(dropped.edges.length, 2);
  assert.ok(!dropped.nodes.some((n) => n.kind === 'other'));
});

test('--min-bytes cuts grouped edges below the threshold', () => {
  const g = buildGraph(ROWS, { ...base, minBytes: 1000, other: 'drop' });
  assert.deepEqual(g.edges.map((e) => e.bytes), [3000, 2000, 1000]);
});

test('names: config beats dns beats sni beats http beats reverse; labels use them', () => {
  const book = new NameBook([
    ...names([['10.0.1.1', 'rev.example']], 'reverse'),
    ...names([['10.0.1.1', 'web.example']], 'sni'),
    ...names([['10.0.1.1', 'www.example']], 'dns'),
    ...names([['10.0.1.2', 'db-http']], 'http'),
    ...names([['10.0.1.2', 'db.local']], 'config'),
  ]);
  const g = buildGraph(ROWS, { ...base, names: book });
  const byKey = new Map(g.nodes.map((n) => [n.key, n]));
  assert.equal(byKey.get('10.0.1.1')?.label, 'www.example');
  assert.equal(byKey.get('10.0.1.1')?.nameSource, 'dns');
  assert.equal(byKey.get('10.0.1.2')?.label, 'db.local');
  assert.equal(byKey.get('10.0.1.2')?.nameSource, 'config');
  assert.equal(byKey.get('10.0.0.1')?.label, '10.0.0.1');
});

test('groups: subnet, name pattern and served port rules; containers when nodes are hosts', () => {
  const rules = new GroupRules([
    { name: 'Web', names: ['www.*'] },
    { name: 'DB', serves: [{ port: 5432, proto: 'tcp' }] },
    { name: 'Clients', subnets: ['10.0.0.0/24'] },
  ]);
  const book = new NameBook(names([['10.0.1.1', 'WWW.example']]));
  const g = buildGraph(ROWS, { ...base, names: book, groups: rules });
  assert.deepEqual(g.groups.map((x) => [x.name, x.members.length]).sort(), [['Clients', 2], ['DB', 1], ['Web', 1]]);
  const grouped = buildGraph(ROWS, { ...base, names: book, groups: rules, groupBy: { kind: 'group' } });
  assert.deepEqual(grouped.nodes.map((n) => n.key).sort(), ['10.0.5.5', '10.0.6.6', 'Clients', 'DB', 'Web']);
  assert.equal(grouped.groups.length, 0);
  const clientsToWeb = grouped.edges.find((e) => e.port === 443);
  assert.equal(clientsToWeb?.bytes, 4000);
  assert.equal(clientsToWeb?.connections, ROWS[0].connections + ROWS[1].connections);
});

test('group-by subnet: /24 by default, any prefix', () => {
  const g = buildGraph(ROWS, { ...base, groupBy: parseGroupBy('subnet') });
  assert.deepEqual(g.nodes.map((n) => n.key).sort(), ['10.0.0.0/24', '10.0.1.0/24', '10.0.5.0/24', '10.0.6.0/24']);
  const wide = buildGraph(ROWS, { ...base, groupBy: parseGroupBy('subnet/16') });
  assert.deepEqual(wide.nodes.map((n) => n.key), ['10.0.0.0/16']);
  assert.equal(wide.edges.length, 3); // https, postgresql, ssh: loops inside the one subnet
  assert.throws(() => parseGroupBy('subnet/40'), /prefix/);
  assert.throws(() => parseGroupBy('rack'), /expected host/);
});

test('glob patterns: only * and ? are special', () => {
  assert.ok(globToRegExp('esx*.lab').test('ESX01.lab'));
  assert.ok(!globToRegExp('esx*.lab').test('esx01xlab'));
  assert.ok(globToRegExp('a(b)?').test('a(b)c'));
});
