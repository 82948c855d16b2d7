/**
 * A big map (1,000 hosts, 3,000 dependencies: the page's cluster layout and big-map renderer) in headless Chromium:
 * drawn with the cluster layout and the canvas renderer (web/src/map/fast-canvas.ts), it must still be
 * exactly the API's graph, every node placed apart and inside the view, at the same places on a
 * reload; it must pan, and clicks on its canvas open the same panels as on small maps.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import type { EdgeSingular, NodeSingular } from 'cytoscape';
import { launchChromium } from '../../testing/chromium.js';
import type { DepGraph } from '../../api/types.js';
import { startApp, waitForDraw, watchedPage, writeStore, type Running, e2eSkip } from '../../testing/web-harness.js';
import { scaleData } from '../../testing/web-scale-data.js';

const skip = e2eSkip();

describe('big map (1,000 hosts, 3,000 dependencies)', { skip }, () => {
  let dir: string;
  let app: Running;
  let browser: Browser;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'flowmap-web-big-'));
    const db = join(dir, 'big.duckdb');
    const data = scaleData(1000, 3000);
    await writeStore(db, data.records, data.names);
    app = await startApp(db);
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await app?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('cluster layout: the API graph, every node apart and in view, and the view pans', async () => {
    const w = await watchedPage(browser);
    const page = w.page;
    await page.goto(`${app.url}/?top=0`);
    await waitForDraw(page, 1, 60_000);
    const g = (await (await fetch(`${app.url}/api/v1/graph?groupBy=host&top=10000`)).json()) as DepGraph;
    assert.equal(g.nodes.length, 1000);
    assert.equal(g.edges.length, 3000);
    const drawn = await page.evaluate(() => {
      const f = window.__flowmap;
      const cy = f?.cy;
      if (!cy || !f.lastDraw) throw new Error('no map');
      const box = (document.getElementById('cy') as HTMLElement).getBoundingClientRect();
      const pos = cy.nodes().map((n) => n.renderedPosition());
      return {
        big: f.lastDraw.big,
        fast: f.lastDraw.fast,
        model: Object.fromEntries(cy.nodes().map((n) => [n.id(), n.position()])),
        layout: f.lastDraw.layout,
        nodes: cy.nodes().map((n) => n.data('key') as string).sort(),
        edges: cy.edges().map((e) => `${e.data('client')}>${e.data('server')} ${e.data('port')}/${e.data('proto')} ${e.data('bytes')}`).sort(),
        distinct: new Set(pos.map((p) => `${Math.round(p.x * 10)},${Math.round(p.y * 10)}`)).size,
        inView: pos.every((p) => p.x >= 0 && p.y >= 0 && p.x <= box.width && p.y <= box.height),
        pan: cy.pan(),
      };
    });
    const key = new Map(g.nodes.map((n) => [n.id, n.key]));
    assert.equal(drawn.big, true);
    assert.equal(drawn.layout, 'cluster');
    assert.equal(drawn.fast, true, 'drawn by the canvas renderer');
    assert.deepEqual(drawn.nodes, g.nodes.map((n) => n.key).sort());
    assert.deepEqual(drawn.edges, g.edges.map((e) => `${key.get(e.source)}>${key.get(e.target)} ${e.port}/${e.proto} ${e.bytes}`).sort());
    assert.equal(drawn.distinct, 1000, 'no two nodes on the same spot');
    assert.ok(drawn.inView, 'the fitted view shows every node');
    // A drag from the map's corner (background) pans the view.
    const box = await page.evaluate(() => {
      const b = (document.getElementById('cy') as HTMLElement).getBoundingClientRect();
      return { x: b.left + 6, y: b.top + 6 };
    });
    await page.mouse.move(box.x, box.y);
    await page.mouse.down();
    for (let s = 1; s <= 10; s++) await page.mouse.move(box.x + s * 20, box.y + s * 10);
    await page.mouse.up();
    const pan = await page.evaluate(() => window.__flowmap?.cy?.pan());
    assert.ok(pan && Math.abs(pan.x - drawn.pan.x - 200) < 2 && Math.abs(pan.y - drawn.pan.y - 100) < 2, JSON.stringify({ before: drawn.pan, after: pan }));
    // Real clicks on the canvas: a host opens its panel, an edge (clicked at its middle) its panel.
    const host = g.nodes[0].key;
    const at = (id: string): Promise<{ x: number; y: number }> => page.evaluate((elId) => {
      const cy = window.__flowmap?.cy;
      const ele = cy?.getElementById(elId);
      if (!cy || !ele || ele.empty()) throw new Error(`${elId} is not drawn`);
      cy.zoom(1);
      const edge = ele as unknown as EdgeSingular;
      cy.center(ele.isNode() ? ele : edge.connectedNodes());
      const b = (document.getElementById('cy') as HTMLElement).getBoundingClientRect();
      const p = ele.isNode() ? ele.renderedPosition() : (() => {
        const [s, t] = [edge.source().renderedPosition(), edge.target().renderedPosition()];
        return { x: (s.x + t.x) / 2, y: (s.y + t.y) / 2 };
      })();
      return { x: b.left + p.x, y: b.top + p.y };
    }, id);
    let p = await at(`N:host:${host}`);
    await page.mouse.move(p.x, p.y);
    await page.waitForSelector('#tooltip:not([hidden])');
    assert.match((await page.textContent('#tooltip')) ?? '', /as server/);
    await page.mouse.click(p.x, p.y);
    await page.waitForSelector('[data-testid=host-detail] [data-testid=totals]');
    assert.equal(await page.evaluate(() => window.__flowmap?.cy?.$(':selected').id()), `N:host:${host}`);
    assert.match(page.url(), new RegExp(`sel=n%3A${host.replace(/\./g, '\\.')}`));
    // An edge whose middle is on no node and no other edge's middle.
    const edgeId = await page.evaluate(() => {
      const cy = window.__flowmap?.cy;
      if (!cy) throw new Error('no map');
      const mid = (e: EdgeSingular): { x: number; y: number } => {
        const [s, t] = [e.source().position(), e.target().position()];
        return { x: (s.x + t.x) / 2, y: (s.y + t.y) / 2 };
      };
      const clear = cy.edges().filter((x) => {
        const e = x as unknown as EdgeSingular;
        const m = mid(e);
        const [s, t] = [e.source().position(), e.target().position()];
        if (Math.hypot(t.x - s.x, t.y - s.y) < 200) return false;
        if (cy.nodes().some((n) => Math.hypot((n as unknown as NodeSingular).position('x') - m.x, (n as unknown as NodeSingular).position('y') - m.y) < 45)) return false;
        return cy.edges().every((y) => {
          const o = y as unknown as EdgeSingular;
          if (o.id() === e.id()) return true;
          const [a, b] = [o.source().position(), o.target().position()];
          const ex = b.x - a.x, ey = b.y - a.y;
          const u = Math.max(0, Math.min(1, ((m.x - a.x) * ex + (m.y - a.y) * ey) / (ex * ex + ey * ey || 1)));
          return Math.hypot(m.x - (a.x + u * ex), m.y - (a.y + u * ey)) > 12;
        });
      });
      if (clear.empty()) throw new Error('no edge clear of the others');
      return clear[0].id();
    });
    p = await at(edgeId);
    await page.mouse.click(p.x, p.y);
    await page.waitForSelector('[data-testid=edge-detail] [data-testid=conversations]');
    assert.equal(await page.evaluate(() => window.__flowmap?.cy?.$(':selected').id()), edgeId);
    assert.deepEqual(w.errors, []);
    assert.deepEqual(w.csp, []);
    await w.context.close();
    // Reloaded in a new page: every node where it was.
    const w2 = await watchedPage(browser);
    await w2.page.goto(`${app.url}/?top=0`);
    await waitForDraw(w2.page, 1, 60_000);
    const again = await w2.page.evaluate(() => Object.fromEntries((window.__flowmap?.cy?.nodes() ?? []).map((n) => [n.id(), n.position()])));
    assert.deepEqual(again, drawn.model, 'the same positions on reload');
    await w2.context.close();
  });
});
