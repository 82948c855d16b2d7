/**
 * `flowmap report` on the lab data centre, end to end: the built CLI writes the HTML and Markdown
 * reports, headless Chromium opens the HTML with every request blocked and prints it to PDF, and
 * mermaid's own parser reads the Markdown's diagrams. The numbers are checked against `plan`,
 * `top` and `timeseries` --json on the same store.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import type { DiffResult, EdgeSeries, PlanResult } from '../analysis/types.js';
import type { TalkerRow } from '../store/store.js';
import { hasChromium, launchChromium, servePages } from '../testing/chromium.js';
import { labCli, labDcStore, type LabDc } from '../testing/lab-dc.js';
import { screenshotDir, watchedPage } from '../testing/web-harness.js';
import { formatBps } from '../util/rate.js';

const require = createRequire(import.meta.url);
const APPS = 6;
const BEFORE = '2026-01-15T10:00Z..2026-01-15T10:30Z';
const AFTER = '2026-01-15T10:30Z..2026-01-15T11:00Z';
let dir: string;
let lab: LabDc;
let html: string;
let md: string;
const { cli, json } = labCli(() => lab);

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'flowmap-report-'));
  lab = labDcStore(dir, APPS);
  const h = cli('report', '--waves', String(APPS), '--before', BEFORE, '--after', AFTER, '-o', join(dir, 'r.html'));
  assert.equal(h.code, 0, h.stderr);
  assert.match(h.stderr, /report: html: 39 hosts, \d+ dependencies, 6 waves/);
  html = readFileSync(join(dir, 'r.html'), 'utf8');
  const m = cli('report', '--format', 'md', '--waves', String(APPS), '-o', join(dir, 'r.md'));
  assert.equal(m.code, 0, m.stderr);
  md = readFileSync(join(dir, 'r.md'), 'utf8');
});
after(() => rmSync(dir, { recursive: true, force: true }));

describe('flowmap report on the lab data centre', () => {
  it('usage errors exit 2 before any work; without -o the report goes to standard output', () => {
    assert.equal(cli('report', '--pin', '10.0.0.1=1').code, 2, 'plan options need --waves');
    assert.equal(cli('report', '--before', BEFORE).code, 2, '--before needs --after');
    assert.equal(cli('report', '--format', 'pdf').code, 2);
    assert.equal(cli('report', '--waves', '0').code, 2);
    const out = cli('report', '--format', 'md');
    assert.equal(out.code, 0, out.stderr);
    assert.ok(out.stdout.startsWith('# flowmap migration report\n'));
    assert.ok(!out.stdout.includes('## Waves'), 'no waves without --waves');
    assert.match(out.stdout, /## Dependency map/);
  });

  it('the Markdown has the same sections, and its Mermaid blocks parse with mermaid\'s own parser', { skip: !hasChromium() && 'chromium not installed', timeout: 180_000 }, async () => {
    for (const h of ['## Summary', '## Inventory', '## Dependency map', '## Critical hosts', '## Waves', '## Shared services', '## Congestion', '## Method']) assert.ok(md.includes(`\n${h}\n`), h);
    const blocks = [...md.matchAll(/```mermaid\n([\s\S]*?)```/g)].map((x) => x[1]);
    assert.equal(blocks.length, 1 + APPS, 'the overview and one map per wave');
    const site = await servePages({
      '/': { type: 'text/html', body: '<!doctype html><html><body><script src="/mermaid.min.js"></script></body></html>' },
      '/mermaid.min.js': { type: 'text/javascript', file: require.resolve('mermaid/dist/mermaid.min.js') },
    });
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      await page.goto(site.url);
      const results = await page.evaluate(async (srcs: string[]) => {
        const m = (window as unknown as { mermaid: { initialize(c: object): void; parse(t: string): Promise<unknown> } }).mermaid;
        m.initialize({ startOnLoad: false, securityLevel: 'strict', maxTextSize: 1_000_000 });
        const out: string[] = [];
        for (const s of srcs) {
          try {
            await m.parse(s);
            out.push('ok');
          } catch (e) {
            out.push(String(e).slice(0, 200));
          }
        }
        return out;
      }, [...blocks, 'flowchart LR\n  a -->|"unclosed| b\n']);
      assert.deepEqual(results.slice(0, -1), blocks.map(() => 'ok'));
      assert.notEqual(results[results.length - 1], 'ok', 'a broken block is refused: the check can fail');
    } finally {
      await browser.close();
      await site.close();
    }
  });

  describe('the HTML report in headless Chromium, every request blocked', { skip: !hasChromium() && 'chromium not installed' }, () => {
    let browser: Browser;
    before(async () => {
      browser = await launchChromium();
    });
    after(async () => browser?.close());

    it('attempts no request, logs no error, runs no script; shows every wave and host; its numbers are those of plan, top and timeseries', { timeout: 180_000 }, async () => {
      const w = await watchedPage(browser, { width: 1200, height: 900 });
      const requests: string[] = [];
      await w.context.route('**/*', (route) => {
        requests.push(route.request().url());
        void route.abort();
      });
      await w.page.setContent(html, { waitUntil: 'load' });
      const page = w.page;
      assert.deepEqual(requests, []);
      assert.deepEqual(w.errors, []);
      assert.deepEqual(w.csp, []);
      assert.deepEqual(w.dialogs, []);
      assert.equal(await page.evaluate(() => document.scripts.length + document.querySelectorAll('iframe,object,embed,link,img,base,form').length), 0);
      assert.equal(await page.evaluate(() => [...document.querySelectorAll('*')].filter((e) => [...e.attributes].some((a) => a.name.startsWith('on') || /^\s*javascript:/i.test(a.value))).length), 0);
      // The page's own policy refuses scripts: one added now does not run, and is reported as a violation.
      const probe = await page.evaluate(async () => {
        const seen: string[] = [];
        document.addEventListener('securitypolicyviolation', (e) => seen.push(e.violatedDirective));
        const s = document.createElement('script');
        s.textContent = 'window.__ran = 1';
        document.body.append(s);
        for (let i = 0; i < 40 && seen.length === 0; i++) await new Promise((r) => setTimeout(r, 50));
        return { ran: (window as unknown as { __ran?: number }).__ran ?? 0, seen };
      });
      assert.deepEqual(probe, { ran: 0, seen: ['script-src-elem'] });

      const text = await page.evaluate(() => document.body.innerText);
      // Every host name of the traffic (the gateway is named in the config but routes, never talks).
      const talkers = new Map(json<TalkerRow[]>('top', '--by', 'talkers', '--limit', '1000000').map((t) => [t.host, t]));
      const named = lab.truth.names.filter((n) => talkers.has(n.address));
      assert.equal(named.length, talkers.size);
      for (const n of named) assert.ok(text.includes(n.name), n.name);
      assert.match(text, /pcap:dc\.pcap \([\d,]+ records, 2026-01-15T10:00/, 'the sources the store knows');
      const plan = json<PlanResult>('plan', '--waves', String(APPS));
      for (const wave of plan.waves) {
        assert.ok(await page.locator(`#wave-${wave.wave} h3`).textContent().then((t) => t === `Wave ${wave.wave}`));
        const rows = await page.$$eval(`#cross-${wave.wave} tbody tr`, (trs) => trs.map((tr) => [...tr.querySelectorAll('td[data-v]')].map((td) => Number(td.getAttribute('data-v')))));
        assert.deepEqual(rows, wave.cross.map((e) => [e.bytes, e.p95_bps]), `wave ${wave.wave} cross table`);
        const facts = await page.locator(`#wave-${wave.wave} dl`).innerText();
        assert.ok(wave.cross_p95_bps !== null && wave.cross_peak_bps !== null && wave.cross_p95_bps > 0);
        assert.ok(facts.includes(`p95 ${formatBps(wave.cross_p95_bps)}, peak ${formatBps(wave.cross_peak_bps)}`), facts);
      }
      // Inventory: sent, received and peers as top --by talkers counts them.
      const inv = await page.$$eval('#inventory-hosts tbody tr', (trs) => trs.map((tr) => ({ host: tr.querySelector('td')?.textContent ?? '', v: [...tr.querySelectorAll('td[data-v]')].map((td) => Number(td.getAttribute('data-v'))) })));
      assert.equal(inv.length, 39);
      for (const r of inv) {
        const t = talkers.get(r.host);
        assert.deepEqual(r.v, [t?.bytes_sent, t?.bytes_received, t?.peers], r.host);
      }
      // Congestion: the top 10 dependencies of timeseries (same buckets as the plan), ranked by p95.
      const series = json<EdgeSeries[]>('timeseries', '--by', 'edges', '--bucket', '5m');
      const shown = await page.$$eval('#congestion-edges tbody tr', (trs) => trs.map((tr) => [...tr.querySelectorAll('td[data-v]')].map((td) => Number(td.getAttribute('data-v')))));
      assert.deepEqual(shown, [...series].sort((a, b) => b.p95_bps - a.p95_bps).map((s) => [s.p95_bps, s.peak_bps, s.avg_bps]));
      assert.equal(await page.locator('#congestion-edges svg.spark').count(), series.length);
      // Drift: the counts of flowmap diff over the same windows.
      const diff = json<DiffResult>('diff', '--before', BEFORE, '--after', AFTER);
      assert.ok(text.includes(`${diff.added.length} dependencies added, ${diff.removed.length} removed, ${diff.changed.length} changed, ${diff.unchanged} unchanged`));
    });

    it('a screenshot of every section; printed to PDF, each section starts a page', { timeout: 180_000 }, async () => {
      const w = await watchedPage(browser, { width: 1200, height: 900 });
      await w.context.route('**/*', (route) => route.abort());
      await w.page.setContent(html, { waitUntil: 'load' });
      const ids = await w.page.$$eval('section', (s) => s.map((x) => x.id));
      assert.deepEqual(ids, ['summary', 'inventory', 'map', 'critical', 'waves', 'shared', 'congestion', 'drift', 'method']);
      const shots = screenshotDir('report');
      for (const id of ids) {
        const file = join(shots, `${id}.png`);
        await w.page.locator(`#${id}`).screenshot({ path: file });
        assert.ok(statSync(file).size > 10_000, `${id}: ${statSync(file).size} bytes`);
      }
      await w.page.emulateMedia({ media: 'print' });
      const breaks = await w.page.$$eval('section', (s) => s.map((x) => getComputedStyle(x).breakBefore));
      assert.deepEqual(breaks, ids.map((id) => (id === 'summary' ? 'auto' : 'page')));
      const pages = async (): Promise<number> => (Buffer.from(await w.page.pdf({ format: 'A4' })).toString('latin1').match(/\/Type\s*\/Page(?!s)/g) ?? []).length;
      const printed = await pages();
      assert.ok(printed >= ids.length, `${printed} pages for ${ids.length} sections`);
      // Without the page breaks the same report takes fewer pages: the breaks are what separates the sections.
      await w.page.setContent(html.replace('section{break-before:page}', ''), { waitUntil: 'load' });
      const run = await pages();
      assert.ok(run < printed, `${run} pages without breaks, ${printed} with`);
    });
  });
});
