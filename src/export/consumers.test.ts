/**
 * Every format read back by a real consumer: Graphviz renders the DOT, NetworkX loads the GraphML,
 * an XML parser reads SVG and .drawio, csv-parse reads the CSVs, the .lucid file is unzipped and
 * checked against Lucid's rules. The graph carries hostile names in every place a name can go.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { parse as parseCsv } from 'csv-parse/sync';
import { unzipSync, strFromU8 } from 'fflate';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { layoutGraph } from './layout.js';
import type { DepGraph } from '../graph/model.js';
import { HOSTILE, hostileGraph } from '../testing/graphs.js';
import { renderCsv, EDGE_CSV_COLUMNS } from './csv.js';
import { renderDot } from './dot.js';
import { renderDrawio } from './drawio.js';
import { renderDrawioCsv } from './drawio-csv.js';
import { renderGraphml } from './graphml.js';
import { renderJson } from './json.js';
import { lucidDocument, renderLucid } from './lucid.js';
import { LUCID_CSV_HEADER, renderLucidCsv } from './lucid-csv.js';
import { GREY, PALETTE } from './labels.js';
import { renderSvg } from './svg.js';
import { hasTools } from '../testing/tools.js';

const g = hostileGraph();
const hasDot = hasTools('dot');
const hasNetworkx = spawnSync('python3', ['-c', 'import networkx'], { encoding: 'utf8' }).status === 0;

const xmlParser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', isArray: (_name: string, _path: unknown, _leaf: boolean, isAttribute: boolean) => !isAttribute, processEntities: true, htmlEntities: true });
type XNode = Record<string, unknown>;

/** Every element with this tag anywhere in a parsed document. */
function findAll(doc: unknown, tag: string, out: XNode[] = []): XNode[] {
  if (Array.isArray(doc)) for (const d of doc) findAll(d, tag, out);
  else if (doc && typeof doc === 'object') {
    for (const [k, v] of Object.entries(doc)) {
      if (k === tag && Array.isArray(v)) out.push(...(v as XNode[]));
      findAll(v, tag, out);
    }
  }
  return out;
}

/** The hostile names that survive into labels (cut to the label length, controls replaced). */
function shownPrefixes(): string[] {
  return [HOSTILE[0], HOSTILE[3], HOSTILE[7]];
}

test('fixture: groups, other, and hostile names are all in the graph', () => {
  assert.ok(g.groups.length === 2);
  assert.ok(g.nodes.some((n) => n.kind === 'other'));
  assert.ok(g.nodes.some((n) => n.label === HOSTILE[0]));
  assert.ok(g.nodes.every((n) => !/[\n\r\t]/.test(n.label)));
  const json = JSON.parse(renderJson(g)) as DepGraph;
  assert.deepEqual(json, g);
});

test('DOT: Graphviz renders it; every node and edge is drawn; names stay text', { skip: !hasDot && 'graphviz (dot) not installed' }, () => {
  const dot = renderDot(g);
  const svg = execFileSync('dot', ['-Tsvg'], { input: dot, encoding: 'utf8' });
  assert.ok(XMLValidator.validate(svg) === true);
  const doc = xmlParser.parse(svg);
  const groups = findAll(doc, 'g');
  assert.equal(groups.filter((x) => x.class === 'node').length, g.nodes.length);
  assert.equal(groups.filter((x) => x.class === 'edge').length, g.edges.length);
  assert.equal(groups.filter((x) => x.class === 'cluster').length, g.groups.length);
  assert.ok(!/<script/i.test(svg), 'no script element from a name');
  const texts = findAll(doc, 'text').map((t) => String(t['#text']));
  for (const p of shownPrefixes()) assert.ok(texts.includes(p), `label ${JSON.stringify(p)} shown as text`);
});

test('GraphML: NetworkX loads it (with and without yEd graphics) with the right counts and typed attributes', { skip: !hasNetworkx && 'python3-networkx not installed' }, async () => {
  const layout = await layoutGraph(g);
  for (const text of [renderGraphml(g), renderGraphml(g, layout)]) checkGraphml(text, text.includes('yfiles.type') ? layout : null);
});

function checkGraphml(text: string, layout: Awaited<ReturnType<typeof layoutGraph>> | null): void {
  const script = [
    'import sys, json, networkx as nx',
    'g = nx.read_graphml(sys.stdin.buffer)',
    'e = [dict(d, u=u, v=v) for u, v, d in g.edges(data=True)]',
    'n = {k: d for k, d in g.nodes(data=True)}',
    'print(json.dumps({"directed": g.is_directed(), "nodes": g.number_of_nodes(), "edges": g.number_of_edges(), "e": e, "n": n}))',
  ].join('\n');
  const out = execFileSync('python3', ['-c', script], { input: text });
  const r = JSON.parse(out.toString('utf8')) as { directed: boolean; nodes: number; edges: number; e: Array<Record<string, unknown>>; n: Record<string, Record<string, unknown>> };
  assert.equal(r.directed, true);
  assert.equal(r.nodes, g.nodes.length);
  assert.equal(r.edges, g.edges.length);
  const first = r.e.find((x) => x.u === g.edges[0].source && x.v === g.edges[0].target && x.port === g.edges[0].port);
  assert.ok(first);
  assert.equal(first.bytes, g.edges[0].bytes);
  assert.equal(first.bytes_c2s, g.edges[0].bytes_c2s);
  assert.equal(first.service, 'https');
  for (const n of g.nodes) {
    assert.equal(r.n[n.id].label, n.label);
    assert.equal(r.n[n.id].kind, n.kind);
    // yEd geometry, as NetworkX reads it: the layout's position.
    if (layout) assert.equal(Number(r.n[n.id].x), Math.round(layout.nodes[n.id].x * 10) / 10);
    else assert.equal(r.n[n.id].x, undefined);
  }
}

test('SVG and .drawio: valid XML, every edge joins two drawn shapes, names are text', async () => {
  const layout = await layoutGraph(g);
  const svg = renderSvg(g, layout);
  assert.equal(XMLValidator.validate(svg), true);
  const sdoc = xmlParser.parse(svg);
  const sgroups = findAll(sdoc, 'g');
  const nodeIds = new Set(sgroups.filter((x) => x.class === 'node').map((x) => x.id));
  assert.equal(nodeIds.size, g.nodes.length);
  const sedges = sgroups.filter((x) => x.class === 'edge');
  assert.equal(sedges.length, g.edges.length);
  for (const e of sedges) assert.ok(nodeIds.has(e['data-source']) && nodeIds.has(e['data-target']));
  assert.equal(findAll(sdoc, 'script').length, 0);
  // Lines are coloured by service: one colour per service, grey for folded traffic, with a key.
  const strokeOf = new Map<string, string>();
  for (const e of g.edges) {
    const line = findAll(sedges.find((x) => x.id === e.id), 'polyline')[0];
    const key = e.proto === 'various' ? 'folded' : (e.service ?? `${e.port}/${e.proto}`);
    const c = String(line.stroke);
    assert.ok(!strokeOf.has(key) || strokeOf.get(key) === c, `${key} keeps one colour`);
    strokeOf.set(key, c);
  }
  assert.equal(strokeOf.get('folded'), GREY);
  const coloured = [...strokeOf].filter(([k]) => k !== 'folded');
  assert.equal(new Set(coloured.map(([, c]) => c)).size, Math.min(coloured.length, PALETTE.length), 'services have distinct colours');
  const keyTexts = findAll(findAll(sdoc, 'g').filter((x) => x.class === 'legend-colors'), 'text').map((t) => String(t['#text']));
  assert.equal(keyTexts.length, Math.min(coloured.length, PALETTE.length));

  const drawio = renderDrawio(g, layout);
  assert.equal(XMLValidator.validate(drawio), true);
  const cells = findAll(xmlParser.parse(drawio), 'mxCell');
  const vertices = new Map(cells.filter((c) => c.vertex === '1').map((c) => [c.id as string, c]));
  const edges = cells.filter((c) => c.edge === '1');
  assert.equal(edges.length, g.edges.length);
  for (const e of edges) assert.ok(vertices.has(e.source as string) && vertices.has(e.target as string));
  // Folded traffic ends at its own "other" tag (a vertex beside the node), as in the SVG.
  const other = g.nodes.find((n) => n.kind === 'other');
  for (const e of g.edges.filter((x) => x.source === other?.id || x.target === other?.id)) {
    const cell = edges.find((c) => c.id === e.id);
    assert.ok(cell && [cell.source, cell.target].includes(`${e.id}_other`), `${e.id} ends at its tag`);
  }
  for (const grp of g.groups) {
    assert.ok(String(vertices.get(grp.id)?.style).includes('container=1'));
    for (const m of grp.members) assert.equal(vertices.get(m)?.parent, grp.id);
  }
  // Values are plain text (html=0): the parsed value is exactly the label, markup and all.
  const web = g.nodes.find((n) => n.label === HOSTILE[0]);
  assert.ok(web);
  assert.ok(String(vertices.get(web.id)?.value).startsWith(HOSTILE[0]));
  assert.ok(String(vertices.get(web.id)?.style).includes('html=0'));
});

test('.lucid: a ZIP with document.json following Lucid Standard Import rules', async () => {
  const layout = await layoutGraph(g);
  const files = unzipSync(renderLucid(g, layout));
  assert.deepEqual(Object.keys(files), ['document.json']);
  const doc = JSON.parse(strFromU8(files['document.json'])) as ReturnType<typeof lucidDocument>;
  assert.equal(doc.version, 1);
  const page = doc.pages[0];
  const ID = /^[A-Za-z0-9\-_.~]{1,36}$/;
  const ids = [...page.shapes.map((s) => s.id), ...page.lines.map((l) => l.id), page.id];
  assert.equal(new Set(ids).size, ids.length, 'ids are unique');
  for (const id of ids) assert.match(id, ID);
  const shapes = new Map(page.shapes.map((s) => [s.id, s]));
  assert.equal(page.lines.length, g.edges.length);
  for (const l of page.lines) {
    for (const ep of [l.endpoint1, l.endpoint2]) {
      assert.equal(ep.type, 'shapeEndpoint');
      assert.ok(shapes.has(ep.shapeId), `line ${l.id} ends on an existing shape`);
      assert.ok(ep.position.x >= 0 && ep.position.x <= 1 && ep.position.y >= 0 && ep.position.y <= 1);
    }
    assert.equal(l.endpoint2.style, 'arrow');
  }
  // Containers hold their members by geometry.
  for (const grp of g.groups) {
    const c = shapes.get(grp.id);
    assert.equal(c?.type, 'rectangleContainer');
    for (const m of grp.members) {
      const b = shapes.get(m)?.boundingBox;
      assert.ok(c && b && b.x >= c.boundingBox.x && b.y >= c.boundingBox.y && b.x + b.w <= c.boundingBox.x + c.boundingBox.w && b.y + b.h <= c.boundingBox.y + c.boundingBox.h);
    }
  }
  // Text is HTML to Lucid: names are escaped, the only markup is the <br> between lines.
  const texts = [...page.shapes.flatMap((s) => (s.text === undefined ? [] : [s.text])), ...page.lines.flatMap((l) => l.text.map((t) => t.text))];
  for (const t of texts) assert.ok(!/<(?!br>)/.test(t) && !/[\r\n]/.test(t), `text ${JSON.stringify(t.slice(0, 60))} is escaped HTML`);
  assert.ok(page.shapes.some((s) => s.text?.startsWith('&lt;script&gt;alert(1)&lt;/script&gt;')));
  assert.ok(page.shapes.some((s) => s.text?.includes('<br>')), 'multi-line captions break with <br>');
  // Field values as Lucid's reference defines them.
  const COLOR = /^#[0-9a-f]{6}$/i;
  assert.ok(page.settings.size.w >= 1 && page.settings.size.w <= 20_000 && page.settings.size.h >= 1 && page.settings.size.h <= 20_000);
  for (const s of page.shapes) {
    const b = s.boundingBox;
    assert.ok([b.x, b.y, b.w, b.h].every(Number.isFinite) && b.w > 0 && b.h > 0, `${s.id} has a real box`);
    if (s.style?.fill) assert.match(s.style.fill.color, COLOR);
    if (s.style?.stroke) {
      assert.match(s.style.stroke.color, COLOR);
      assert.ok(Number.isInteger(s.style.stroke.width));
      assert.ok(s.style.stroke.style === undefined || ['solid', 'dashed', 'dotted'].includes(s.style.stroke.style));
    }
    if (s.style?.rounding !== undefined) assert.ok(Number.isInteger(s.style.rounding));
    for (const d of s.customData ?? []) assert.ok(typeof d.key === 'string' && typeof d.value === 'string');
  }
  for (const l of page.lines) {
    assert.ok(['straight', 'elbow', 'curved'].includes(l.lineType));
    assert.match(l.stroke.color, COLOR);
    assert.ok(Number.isInteger(l.stroke.width) && ['solid', 'dashed', 'dotted'].includes(l.stroke.style ?? 'solid'));
    for (const t of l.text) assert.ok(t.position >= 0 && t.position <= 1 && ['top', 'middle', 'bottom'].includes(t.side));
    // Elbow control points: absolute, and every turn from endpoint to endpoint is a right angle.
    if (l.elbowControlPoints) {
      const at = (ep: typeof l.endpoint1): { x: number; y: number } => {
        const b = (shapes.get(ep.shapeId) as (typeof page.shapes)[number]).boundingBox;
        return { x: b.x + ep.position.x * b.w, y: b.y + ep.position.y * b.h };
      };
      const pts = [at(l.endpoint1), ...l.elbowControlPoints, at(l.endpoint2)];
      for (let i = 1; i < pts.length; i++) assert.ok(Math.abs(pts[i].x - pts[i - 1].x) < 1.5 || Math.abs(pts[i].y - pts[i - 1].y) < 1.5, `line ${l.id}: segment ${i} is horizontal or vertical`);
    }
  }
  assert.ok(page.lines.some((l) => l.elbowControlPoints?.length), 'layered routes are kept');
  // Folded traffic ends at an "other" tag shape of its own, dashed like the lines into it.
  const other = g.nodes.find((n) => n.kind === 'other');
  const folded = g.edges.filter((e) => e.source === other?.id || e.target === other?.id);
  assert.ok(folded.length > 0);
  for (const e of folded) {
    const l = page.lines.find((x) => x.id === e.id);
    assert.ok(l && [l.endpoint1.shapeId, l.endpoint2.shapeId].includes(`${e.id}_other`));
    assert.equal(l.stroke.style, 'dashed');
  }
});

test('CSV edge list: csv-parse reads the exact columns; formulas are neutralised', () => {
  const rows = parseCsv(renderCsv(g), { columns: true, bom: false }) as Array<Record<string, string>>;
  assert.deepEqual(Object.keys(rows[0]), [...EDGE_CSV_COLUMNS]);
  assert.equal(rows.length, g.edges.length);
  assert.equal(rows[0].bytes, String(g.edges[0].bytes));
  const cells = rows.flatMap((r) => Object.values(r));
  assert.ok(cells.includes(`'${HOSTILE[3]}`), 'formula text starts with an apostrophe');
  for (const c of cells) assert.ok(!/^[=+@\t\r]/.test(c) && !/^-[^0-9]/.test(c), `cell ${JSON.stringify(c)} cannot run as a formula`);
});

test('Lucid CSV: the shape/line columns, lines between existing shapes, containment', () => {
  const rows = parseCsv(renderLucidCsv(g), { columns: true }) as Array<Record<string, string>>;
  assert.deepEqual(Object.keys(rows[0]), [...LUCID_CSV_HEADER]);
  rows.forEach((r, i) => assert.equal(r.Id, String(i + 1)));
  const byId = new Map(rows.map((r) => [r.Id, r]));
  const lines = rows.filter((r) => r.Name === 'Line');
  assert.equal(lines.length, g.edges.length);
  for (const l of lines) {
    assert.equal(l['Page ID'], '1');
    assert.ok(byId.get(l['Line Source'])?.Name === 'Process' && byId.get(l['Line Destination'])?.Name === 'Process');
  }
  const contained = rows.filter((r) => r['Contained By'] !== '');
  assert.equal(contained.length, g.groups.reduce((s, x) => s + x.members.length, 0));
  for (const r of contained) assert.equal(byId.get(r['Contained By'])?.Name, 'Swim Lane');
  for (const c of rows.flatMap((r) => Object.values(r))) assert.ok(!/^[=+@]/.test(c));
});

test('draw.io CSV: directives, then rows whose connect columns name existing ids', () => {
  const text = renderDrawioCsv(g);
  const lines = text.split('\n');
  const directives = lines.filter((l) => l.startsWith('#'));
  const connects = directives.filter((l) => l.startsWith('# connect: ')).map((l) => JSON.parse(l.slice('# connect: '.length)) as { from: string; to: string; label: string });
  assert.ok(connects.length > 0);
  const body = lines.filter((l) => !l.startsWith('#')).join('\n');
  const rows = parseCsv(body, { columns: true }) as Array<Record<string, string>>;
  assert.deepEqual(Object.keys(rows[0]).slice(0, 5), ['id', 'label', 'style', 'parent', 'addresses']);
  const ids = new Set(rows.map((r) => r.id));
  let edges = 0;
  for (const r of rows) {
    assert.ok(r.parent === '' || ids.has(r.parent));
    for (const c of connects) {
      for (const t of (r[c.from] ?? '').split(',').filter(Boolean)) {
        assert.ok(ids.has(t));
        edges++;
      }
    }
  }
  assert.equal(edges, g.edges.length);
  for (const l of lines.filter((x) => !x.startsWith('#'))) assert.ok(!l.includes('\r'));
  // The directives as draw.io's importer reads them: known keys, columns that exist (by their
  // sanitised names), connect targets on the identity column, a known layout.
  const header = Object.keys(rows[0]);
  for (const h of header) assert.match(h, /^[A-Za-z0-9_]+$/, `column ${h} keeps its name through draw.io's sanitising`);
  const KEYS = new Set(['label', 'style', 'identity', 'parent', 'parentstyle', 'namespace', 'width', 'height', 'padding', 'connect', 'ignore', 'nodespacing', 'levelspacing', 'edgespacing', 'layout', 'link', 'left', 'top', 'stylename', 'styles', 'labelname', 'labels', 'vars', 'unknownStyle']);
  const dir = new Map<string, string>();
  for (const d of directives.filter((l) => !l.startsWith('##'))) {
    const m = /^# ([A-Za-z]+): (.*)$/.exec(d);
    assert.ok(m, `directive ${JSON.stringify(d)} has the form "# key: value"`);
    assert.ok(KEYS.has(m[1]), `draw.io knows the directive ${m[1]}`);
    if (m[1] !== 'connect') dir.set(m[1], m[2]);
  }
  assert.ok(header.includes(dir.get('identity') ?? ''), 'identity names a column');
  assert.ok(header.includes(dir.get('parent') ?? ''), 'parent names a column');
  for (const c of (dir.get('ignore') ?? '').split(',')) assert.ok(header.includes(c), `ignored column ${c} exists`);
  for (const k of ['label', 'style']) for (const [, col] of (dir.get(k) ?? '').matchAll(/%([^%]+)%/g)) assert.ok(header.includes(col), `%${col}% names a column`);
  for (const c of connects) {
    assert.ok(header.includes(c.from), `connect from ${c.from} exists`);
    assert.equal(c.to, dir.get('identity'));
  }
  assert.ok(['auto', 'none', 'verticaltree', 'horizontaltree', 'verticalflow', 'horizontalflow', 'organic', 'circle'].includes(dir.get('layout') ?? ''));
  for (const k of ['nodespacing', 'levelspacing', 'edgespacing', 'padding']) assert.match(dir.get(k) ?? '', /^\d+$/);
  // Rows never look like directives or comments to the importer.
  for (const l of lines.slice(lines.indexOf(header.join(',')) + 1)) assert.ok(!l.startsWith('#'));
});
