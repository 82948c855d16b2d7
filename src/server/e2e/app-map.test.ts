/**
 * The application view's geometry, read back from the page in headless Chromium and from the SVG
 * export of the same map, on the lab data centre and on three other generated estates (other sizes,
 * other random streams): no two labels overlap, no label lies on another node, every application's
 * hosts lie inside its cluster, the shared services outside every application; a reload puts every
 * node where it was; "collapse all" leaves one node per application plus the shared services.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import type { DepGraph } from '../../api/types.js';
import { labDcStore, type LabDc } from '../../testing/lab-dc.js';
import { geometryProblems, svgGeometry, type MapGeometry } from '../../testing/map-geometry.js';
import { e2eSkip, openPageSession, waitForDraw, waitIdle, type PageSession } from '../../testing/web-harness.js';

const skip = e2eSkip();

/** Every drawn node's disc, every caption and every container, in the map's own coordinates. */
function pageGeometry(page: Page): Promise<MapGeometry> {
  return page.evaluate(() => {
    const cy = window.__flowmap?.cy;
    if (!cy) throw new Error('no map');
    const box = (b: { x1: number; y1: number; w: number; h: number }): { x: number; y: number; w: number; h: number } => ({ x: b.x1, y: b.y1, w: b.w, h: b.h });
    const bodyOnly = { includeLabels: false, includeOverlays: false, includeEdges: false } as const;
    const labelOnly = { includeNodes: false, includeEdges: false, includeLabels: true, includeOverlays: false } as const;
    return {
      nodes: cy.nodes().filter((n) => !n.isParent()).map((n) => ({ id: n.id(), box: box(n.boundingBox(bodyOnly)), group: (n.data('parent') as string | undefined) ?? undefined })),
      labels: cy.nodes().filter((n) => String(n.data('caption') ?? '') !== '').map((n) => ({ owner: n.id(), box: box(n.boundingBox(labelOnly)), text: String(n.data('caption')) })),
      groups: cy.nodes(':parent').map((p) => ({ id: p.id(), box: box(p.boundingBox(bodyOnly)), shared: p.data('shared') === true })),
    };
  });
}

function positions(page: Page): Promise<Record<string, { x: number; y: number }>> {
  return page.evaluate(() => Object.fromEntries((window.__flowmap?.cy?.nodes() ?? []).map((n) => [n.id(), n.position()])));
}

/** Redraws after a click in place (collapse, expand): wait until the page has painted one more. */
async function afterUpdate(page: Page, click: () => Promise<void>): Promise<void> {
  const before = await page.evaluate(() => window.__flowmap?.updates ?? 0);
  await click();
  await page.waitForFunction((n) => (window.__flowmap?.updates ?? 0) > n, before);
  await waitIdle(page);
}

const ESTATES = [
  { name: 'lab', apps: 6, seed: 1 },
  { name: 'seven', apps: 7, seed: 4 },
  { name: 'ten', apps: 10, seed: 6 },
  { name: 'sixteen', apps: 16, seed: 7 },
];

for (const estate of ESTATES) {
  describe(`application view of a ${estate.apps}-application estate (seed ${estate.seed}), headless Chromium`, { skip }, () => {
    let s: PageSession;
    let dc: LabDc;
    let page: Page;
    let graph: DepGraph;

    before(async () => {
      s = await openPageSession(`app-map-${estate.name}`, (dir) => (dc = labDcStore(dir, estate.apps, estate.seed)));
      page = s.page;
      graph = (await s.api<DepGraph>('/api/v1/graph?groupBy=host&clusters=apps&top=500')).body;
    });

    after(() => s?.close());

    test('the page: labels clear of each other and of other nodes, hosts inside their clusters, shared services apart; reload keeps positions', async () => {
      await page.goto(`${s.app.url}/?groupBy=apps`);
      await waitForDraw(page);
      await waitIdle(page);
      await s.shot('01-applications');
      const geo = await pageGeometry(page);
      assert.deepEqual(geometryProblems(geo), []);
      // The page draws the API's clusters: every clustered host in its container, the shared ones in the band.
      const shared = graph.groups.find((g) => g.shared);
      assert.ok(shared, 'shared services found');
      const keyOf = new Map(graph.nodes.map((n) => [n.id, n.key]));
      const sharedKeys = new Set(shared.members.map((m) => keyOf.get(m)));
      // Only the estate's shared servers and clients are drawn as shared (detection may miss some, see plan).
      const truthShared = new Set([...dc.truth.sharedServers, ...dc.truth.sharedClients]);
      assert.deepEqual([...sharedKeys].filter((k) => !truthShared.has(k as string)), []);
      assert.equal(geo.groups.length, graph.groups.length);
      assert.equal(geo.nodes.filter((n) => n.group !== undefined).length, graph.groups.reduce((s2, g) => s2 + g.members.length, 0));
      // Every truth application's hosts share one cluster (the geometry test above holds them inside it).
      const groupOfKey = new Map(geo.nodes.map((n) => [n.id.replace(/^N:host:/, ''), n.group]));
      for (const a of dc.truth.apps) {
        const hosts = a.hosts.filter((h) => groupOfKey.has(h));
        assert.equal(new Set(hosts.map((h) => groupOfKey.get(h))).size, 1, `${a.name} drawn as one cluster`);
      }
      const before = await positions(page);
      await page.reload();
      await waitForDraw(page);
      await waitIdle(page);
      const again = await positions(page);
      assert.deepEqual(Object.keys(again).sort(), Object.keys(before).sort());
      for (const [id, p] of Object.entries(before)) assert.ok(Math.abs(p.x - again[id].x) <= 1 && Math.abs(p.y - again[id].y) <= 1, `${id} moved on reload`);
    });

    test('collapse all: one node per application plus the shared services, still clear of each other; expand all restores', async () => {
      const full = await positions(page);
      await afterUpdate(page, () => page.click('[data-testid=collapse-all]'));
      await s.shot('02-collapsed');
      const geo = await pageGeometry(page);
      assert.deepEqual(geometryProblems(geo), []);
      const apps = graph.groups.filter((g) => !g.shared);
      const shared = graph.groups.find((g) => g.shared)?.members.length ?? 0;
      const loose = graph.nodes.filter((n) => n.group === undefined).length;
      assert.equal(geo.nodes.length, apps.length + shared + loose);
      // Edges between collapsed clusters are summed per (cluster, cluster, service).
      const edges = await page.evaluate(() => (window.__flowmap?.cy?.edges() ?? []).map((e) => `${e.source().id()}>${e.target().id()} ${e.data('port')}/${e.data('proto')}`));
      assert.equal(new Set(edges).size, edges.length);
      await afterUpdate(page, () => page.click('[data-testid=expand-all]'));
      const back = await positions(page);
      for (const [id, p] of Object.entries(full)) assert.ok(Math.abs(p.x - back[id].x) <= 1 && Math.abs(p.y - back[id].y) <= 1, `${id} came back elsewhere`);
    });

    test('the SVG export of the same map keeps the same promises', async () => {
      const r = await fetch(`${s.app.url}/api/v1/export/svg?groupBy=host&clusters=apps&top=500`);
      assert.equal(r.status, 200);
      const geo = svgGeometry(await r.text());
      assert.equal(geo.nodes.length, graph.nodes.length);
      assert.equal(geo.groups.filter((g) => g.shared).length, 1);
      assert.ok(geo.labels.length > geo.nodes.length + geo.groups.length, 'some edges are captioned');
      assert.deepEqual(geometryProblems(geo), []);
    });
  });
}
