/**
 * A big map (1,000 hosts, 3,000 dependencies: the page's cluster layout and big-map renderer) in headless Chromium:
 * drawn with the cluster layout and the fast renderer settings, it must still be exactly the API's
 * graph, every node placed apart and inside the view, and it must pan.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
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
    assert.deepEqual(w.errors, []);
    assert.deepEqual(w.csp, []);
    await w.context.close();
  });
});
