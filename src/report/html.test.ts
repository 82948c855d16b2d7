import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HOSTILE } from '../testing/graphs.js';
import { hostileReportData } from '../testing/report-data.js';
import { reportSections } from './document.js';
import { inlineSvg, renderReportHtml, sparkline } from './html.js';

/** Every element the report may hold: anything else (a name turned into markup) fails. */
const ALLOWED = new Set('html head meta title style body header h1 h2 h3 h4 p nav ol li a section div dl dt dd table thead tbody tr th td figure figcaption svg defs marker path rect g text polyline polygon'.split(' '));

test('report html: hostile names stay text; no script, no external reference, a CSP that refuses every request', async () => {
  const html = await renderReportHtml(hostileReportData());
  const tags = new Set([...html.matchAll(/<\/?([a-zA-Z][\w:-]*)/g)].map((m) => m[1].toLowerCase()));
  assert.deepEqual([...tags].filter((t) => !ALLOWED.has(t)), []);
  assert.ok(html.includes('&lt;script&gt;alert(1)&lt;/script&gt;'), 'the <script> name is shown as text');
  assert.ok(!/\son[a-z]+\s*=/i.test(html.replace(/&[a-z#0-9]+;/gi, '')), 'no event handler attribute');
  assert.ok(!/(src|href)\s*=\s*"(?!#)/i.test(html), 'links only inside the page');
  assert.ok(!/url\((?!#)/i.test(html), 'no url() outside the page');
  assert.match(html, /<meta http-equiv="Content-Security-Policy" content="default-src &#39;none&#39;/);
  // One section per part with data, each a page when printed.
  const ids = [...html.matchAll(/<section id="([a-z-]+)">/g)].map((m) => m[1]);
  assert.deepEqual(ids, reportSections(hostileReportData()).map((s) => s.id));
  assert.deepEqual(ids, ['summary', 'inventory', 'map', 'critical', 'waves', 'shared', 'congestion', 'drift', 'method']);
  assert.match(html, /@media print\{.*section\{break-before:page\}/s);
});

test('report html: several maps in one page do not share ids; exact values ride along with human units', async () => {
  const html = await renderReportHtml(hostileReportData());
  const ids = [...html.matchAll(/ id="([^"]+)"/g)].map((m) => m[1]);
  assert.equal(new Set(ids).size, ids.length, 'ids are unique');
  for (const ref of html.matchAll(/url\(#([^)]+)\)/g)) assert.ok(ids.includes(ref[1]), `url(#${ref[1]}) points into the page`);
  assert.match(html, /<td class="n" data-v="9000">9\.0 kB<\/td>/);
  assert.equal(inlineSvg('<?xml version="1.0"?>\n<svg x="1"><g id="a"/><path marker-end="url(#a)"/></svg>', 'p-'), '<svg class="map" role="img" x="1"><g id="p-a"/><path marker-end="url(#p-a)"/></svg>');
});

test('report html: sections without data are left out', async () => {
  const d = hostileReportData();
  const html = await renderReportHtml({ ...d, plan: null, waveMaps: [], diff: null, critical: [], congestion: { edges: [], services: [], interfaces: [], total: null, busiest: null } });
  const ids = [...html.matchAll(/<section id="([a-z-]+)">/g)].map((m) => m[1]);
  assert.deepEqual(ids, ['summary', 'inventory', 'map', 'method']);
});

test('sparkline: scaled to its peak, label escaped', () => {
  const s = sparkline([0, 5, 10], HOSTILE[0]);
  assert.match(s, /points="0,26 80,14 160,2"/);
  assert.ok(s.includes('aria-label="&lt;script&gt;'));
  assert.ok(!s.includes('<script'));
});
