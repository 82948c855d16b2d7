/** Mermaid output parsed and rendered by mermaid itself, in headless Chromium. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { hasChromium, launchChromium, servePages } from '../testing/chromium.js';
import { HOSTILE, hostileGraph } from '../testing/graphs.js';
import { renderMermaid } from './mermaid.js';

const require = createRequire(import.meta.url);

test('mermaid: its own parser accepts the flowchart, rendering shows every node and no name runs as code', { skip: !hasChromium() && 'chromium not installed', timeout: 120_000 }, async () => {
  const g = hostileGraph();
  const text = renderMermaid(g);
  const mermaidJs = require.resolve('mermaid/dist/mermaid.min.js');
  const site = await servePages({
    '/': { type: 'text/html', body: '<!doctype html><html><body><div id="out"></div><script src="/mermaid.min.js"></script></body></html>' },
    '/mermaid.min.js': { type: 'text/javascript', file: mermaidJs },
  });
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    const dialogs: string[] = [];
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    await page.goto(site.url);
    const result = await page.evaluate(async (src: string) => {
      const m = (window as unknown as { mermaid: { initialize(c: object): void; parse(t: string): Promise<unknown>; render(id: string, t: string): Promise<{ svg: string }> } }).mermaid;
      m.initialize({ startOnLoad: false, securityLevel: 'strict', maxTextSize: 1_000_000 });
      await m.parse(src);
      const { svg } = await m.render('map', src);
      const out = document.getElementById('out') as HTMLElement;
      out.innerHTML = svg;
      return {
        nodes: out.querySelectorAll('g.node').length,
        clusters: out.querySelectorAll('g.cluster').length,
        edgeLabels: out.querySelectorAll('g.edgeLabel').length,
        scripts: out.querySelectorAll('script').length,
        labels: [...out.querySelectorAll('g.node')].map((n) => n.textContent ?? ''),
      };
    }, text);
    assert.equal(result.nodes, g.nodes.length);
    assert.equal(result.clusters, g.groups.length);
    assert.ok(result.edgeLabels >= g.edges.length);
    assert.equal(result.scripts, 0);
    assert.deepEqual(dialogs, []);
    assert.ok(result.labels.some((l) => l.startsWith(HOSTILE[0])), 'the <script> name is shown as text');
    assert.ok(result.labels.some((l) => l.startsWith("=cmd|' /C calc'!A0")));
    // A broken line is reported by the parser: the check can fail.
    const bad = await page.evaluate(async (src: string) => {
      const m = (window as unknown as { mermaid: { parse(t: string): Promise<unknown> } }).mermaid;
      try {
        await m.parse(src);
        return 'parsed';
      } catch (e) {
        return String(e).slice(0, 40);
      }
    }, `${text}  n1 -->|"unclosed| n2\n`);
    assert.notEqual(bad, 'parsed');
  } finally {
    await browser.close();
    await site.close();
  }
});
