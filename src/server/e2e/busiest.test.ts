/**
 * Rates in the page end to end: the host and edge panels' p95/peak/avg and bucket control, the
 * busiest view (keys ranked by p95) and its top-N-per-interval stacked chart. The built page is
 * served by the real app over a DuckDB store of the lab data centre and driven in headless Debian
 * Chromium; every number must equal the API's (/api/v1/timeseries, /api/v1/top/{kind}?per=).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import type { EdgeRow, TimeseriesResponse, TimeseriesRow, TopPerResponse, TopPerRow, TopResponse } from '../../api/types.js';
import { labDcStore, type LabDc } from '../../testing/lab-dc.js';
import { e2eSkip, openPageSession, waitForDraw, waitIdle, type PageSession, type Running, type Watched } from '../../testing/web-harness.js';
import { formatBps } from '../../util/rate.js';

const skip = e2eSkip();

/** The panel's rate texts and exact values, by test id. */
async function shownRates(page: Page, panel: string): Promise<Record<string, { text: string; bps: number }>> {
  return page.$$eval(`[data-testid=${panel}] [data-testid=rate-stats] .rate`, (els) =>
    Object.fromEntries(els.map((e) => [e.getAttribute('data-testid') ?? '', { text: e.textContent ?? '', bps: Number(e.getAttribute('data-bps')) }])),
  );
}

/** The API row's statistics in shownRates' words. */
function apiRates(r: TimeseriesRow): Record<string, { text: string; bps: number }> {
  const out: Record<string, { text: string; bps: number }> = {};
  for (const stat of ['peak', 'p95', 'avg'] as const) {
    for (const sfx of ['', '_c2s', '_s2c'] as const) {
      const v = r[`${stat}_bps${sfx}`];
      out[`${stat}_bps${sfx}`] = { text: formatBps(v), bps: v };
    }
  }
  return out;
}

describe('rates, busiest view and top per interval (headless Chromium, lab data centre)', { skip }, () => {
  let s: PageSession;
  let dc: LabDc;
  let app: Running;
  let w: Watched;
  let page: Page;
  const api = async <T>(path: string): Promise<T> => {
    const r = await s.api<T>(path);
    assert.equal(r.status, 200, path);
    return r.body;
  };
  const shot = (name: string): Promise<Buffer> => s.shot(name);

  before(async () => {
    s = await openPageSession('web-busiest', (dir) => (dc = labDcStore(dir, 6)));
    ({ app, w, page } = s);
  });

  after(() => s?.close());

  test('host panel: peak, p95 and avg equal /timeseries for that host; the bucket control changes the API bucket', async () => {
    const host = dc.truth.apps[0].tiers.web[0];
    await page.goto(`${app.url}/?sel=${encodeURIComponent(`n:${host}`)}`);
    await waitForDraw(page);
    await page.waitForSelector('[data-testid=host-detail] [data-testid=rate-stats]');
    await waitIdle(page);
    await shot('01-host-rates');
    const { rows } = await api<TimeseriesResponse>(`/api/v1/timeseries?by=talkers&host=${host}&limit=2`);
    const row = rows.find((r) => r.key === 'talker' && r.host === host);
    assert.ok(row, 'the API has the host');
    assert.deepEqual(await shownRates(page, 'host-detail'), apiRates(row));
    assert.ok(row.p95_bps > 0 && row.peak_bps >= row.p95_bps);
    assert.equal(await page.getAttribute('[data-testid=host-detail] [data-testid=chart]', 'data-points'), String(row.buckets.length));

    // 5 minute buckets: the page asks for them, and draws the API's 5 minute series.
    const asked = page.waitForRequest((r) => r.url().includes('/api/v1/timeseries') && new URL(r.url()).searchParams.get('bucket') === '5m');
    await page.selectOption('[data-testid=host-detail] [data-testid=bucket]', '5m');
    await asked;
    await page.waitForSelector('[data-testid=host-detail] [data-testid=chart][data-bucket-s="300"]');
    await waitIdle(page);
    const { rows: rows5 } = await api<TimeseriesResponse>(`/api/v1/timeseries?by=talkers&host=${host}&limit=2&bucket=5m`);
    const row5 = rows5.find((r) => r.key === 'talker' && r.host === host);
    assert.ok(row5 && row5.bucket_s === 300);
    assert.equal(await page.getAttribute('[data-testid=host-detail] [data-testid=chart]', 'data-points'), String(row5.buckets.length));
    assert.ok(row5.buckets.length < row.buckets.length, `${row5.buckets.length} 5m buckets < ${row.buckets.length} auto buckets`);
    assert.deepEqual(await shownRates(page, 'host-detail'), apiRates(row5));
    assert.match(page.url(), /bucket=5m/);
  });

  test('edge panel: peak, p95 and avg equal /timeseries for that one dependency', async () => {
    const { rows: top } = await api<TopResponse<EdgeRow>>('/api/v1/top/edges?limit=3');
    const e = top[2];
    await page.goto(`${app.url}/?bucket=1m&sel=${encodeURIComponent(`e:${e.client}|${e.server}|${e.port}|${e.proto}`)}`);
    await waitForDraw(page);
    await page.waitForSelector('[data-testid=edge-detail] [data-testid=rate-stats]');
    await waitIdle(page);
    await shot('02-edge-rates');
    const { rows } = await api<TimeseriesResponse>(`/api/v1/timeseries?by=edges&client=${e.client}&server=${e.server}&port=${e.port}&proto=${e.proto}&limit=1&bucket=1m`);
    assert.equal(rows.length, 1);
    const row = rows[0];
    assert.ok(row.key === 'edge' && row.client === e.client && row.server === e.server && row.port === e.port);
    assert.equal(row.bucket_s, 60);
    assert.deepEqual(await shownRates(page, 'edge-detail'), apiRates(row));
    assert.equal(await page.getAttribute('[data-testid=edge-detail] [data-testid=chart]', 'data-points'), String(row.buckets.length));
    assert.ok(await page.$('[data-testid=edge-detail] [data-testid=chart] canvas'), 'the chart is drawn');
  });

  test('busiest: per kind, the API\'s rows sorted by p95, with their peak/p95/avg; rows select on the map', async () => {
    await page.goto(`${app.url}/?tab=busiest`);
    await page.waitForSelector('[data-testid=busiest-table-talkers]');
    await waitIdle(page);
    await shot('03-busiest');
    const keyOf = (r: TimeseriesRow): string =>
      r.key === 'edge' ? `${r.client}>${r.server} ${r.port}/${r.proto}` : r.key === 'talker' ? r.host : r.key === 'service' ? `${r.port}/${r.proto}` : 'total';
    for (const by of ['edges', 'services', 'talkers']) {
      const { rows } = await api<TimeseriesResponse>(`/api/v1/timeseries?by=${by}&limit=50`);
      assert.ok(rows.length > 3, `${by}: rows`);
      // Stable: equal p95s keep the API's order, as the page does.
      const want = [...rows].sort((a, b) => b.p95_bps - a.p95_bps).map((r) => `${keyOf(r)} ${formatBps(r.peak_bps)} ${formatBps(r.p95_bps)} ${formatBps(r.avg_bps)} ${r.buckets.length}`);
      const shown = await page.$$eval(`[data-testid=busiest-table-${by}] tbody tr`, (trs) =>
        trs.map((tr) => {
          const td = [...tr.querySelectorAll('td')];
          return `${td[0].querySelector('[data-key]')?.getAttribute('data-key')} ${td[1].textContent} ${td[2].textContent} ${td[3].textContent} ${td[4].querySelector('canvas')?.getAttribute('data-points')}`;
        }),
      );
      assert.deepEqual(shown, want, by);
      const p95s = rows.map((r) => r.p95_bps);
      assert.notDeepEqual([...p95s].sort((a, b) => b - a), p95s, `${by}: ranking by p95 differs from ranking by bytes (the test would prove little otherwise)`);
    }

    // An edge row selects the dependency on the map; a talker row the host.
    const first = await page.getAttribute('[data-testid=busiest-table-edges] tbody tr >> nth=0 >> [data-key]', 'data-key');
    await page.click('[data-testid=busiest-table-edges] tbody tr >> nth=0 >> button.link');
    await page.waitForSelector('[data-testid=edge-detail] [data-testid=rate-stats]');
    await waitIdle(page);
    const m = /^(\S+)>(\S+) (\d+)\/(\w+)$/.exec(first ?? '');
    assert.ok(m, String(first));
    assert.equal(await page.evaluate(() => window.__flowmap?.cy?.$(':selected').id()), `E:N:host:${m[1]}>N:host:${m[2]}>${m[3]}/${m[4]}`);
    await page.click('nav.tabs button[data-tab=busiest]');
    await page.waitForSelector('[data-testid=busiest-table-talkers]');
    await waitIdle(page);
    const host = await page.getAttribute('[data-testid=busiest-table-talkers] tbody tr >> nth=1 >> [data-key]', 'data-key');
    await page.click('[data-testid=busiest-table-talkers] tbody tr >> nth=1 >> button.link');
    await page.waitForFunction((id) => window.__flowmap?.cy?.$(':selected').id() === id, `N:host:${host}`);
  });

  test('top N per interval: the stacked layers sum to the API\'s per-interval totals; kind and interval controls ask the API', async () => {
    await page.goto(`${app.url}/?tab=busiest&stack=services&per=15m`);
    await page.waitForSelector('[data-testid=stack-chart] canvas');
    await waitIdle(page);
    await shot('04-top-per');
    const check = async (kind: string, per: string): Promise<void> => {
      const { rows } = await api<TopPerResponse>(`/api/v1/top/${kind}?per=${per}&limit=5`);
      const keyOf = (r: TopPerRow): string => (kind === 'edges' ? `${r.client}>${r.server} ${r.port}/${r.proto}` : kind === 'talkers' ? String(r.host) : `${r.port}/${r.proto}`);
      const s = await page.evaluate(() => window.__flowmap?.stack ?? null);
      assert.ok(s, 'a stack is drawn');
      const ts = [...new Set(rows.map((r) => r.t))].sort();
      assert.deepEqual(s.t, ts, `${kind} per ${per}: intervals`);
      const sums = ts.map((t) => rows.filter((r) => r.t === t).reduce((a, r) => a + r.bytes, 0));
      assert.deepEqual(s.cum[s.cum.length - 1], sums, `${kind} per ${per}: the top layer is each interval's sum`);
      // Each layer is its key's bytes in the intervals where it is in the top 5, and 0 elsewhere.
      assert.deepEqual([...s.keys].sort(), [...new Set(rows.map(keyOf))].sort());
      s.keys.forEach((k, j) => {
        const want = ts.map((t) => rows.find((r) => r.t === t && keyOf(r) === k)?.bytes ?? 0);
        assert.deepEqual(s.raw[j], want, k);
        assert.deepEqual(s.cum[j].map((v, i) => v - (j > 0 ? s.cum[j - 1][i] : 0)), want, `${k}: the layer's thickness`);
      });
      assert.ok(s.keys.length > 5 || ts.length === 1 || kind === 'services', `${kind}: keys change between intervals`);
      assert.equal(await page.getAttribute('[data-testid=stack-chart]', 'data-intervals'), String(ts.length));
    };
    await check('services', '15m');
    let asked = page.waitForRequest((r) => r.url().includes('/api/v1/top/edges?') && new URL(r.url()).searchParams.get('per') === '15m');
    await page.selectOption('[data-testid=stack-kind]', 'edges');
    await asked;
    await page.waitForFunction(() => window.__flowmap?.busy === 0 && document.querySelector('[data-testid=stack-kind]') !== null && (document.querySelector('[data-testid=stack-kind]') as HTMLSelectElement).value === 'edges');
    await check('edges', '15m');
    asked = page.waitForRequest((r) => r.url().includes('/api/v1/top/edges?') && new URL(r.url()).searchParams.get('per') === '5m');
    await page.selectOption('[data-testid=stack-per]', '5m');
    await asked;
    await page.waitForFunction(() => window.__flowmap?.busy === 0 && (document.querySelector('[data-testid=stack-per]') as HTMLSelectElement | null)?.value === '5m');
    await check('edges', '5m');
    await shot('05-top-per-edges');
    assert.doesNotMatch(page.url(), /stack=|per=/, 'edges per 5m are the defaults: the URL holds neither');
    assert.deepEqual(w.dialogs, []);
    assert.deepEqual(w.errors, []);
    assert.deepEqual(w.csp, []);
  });
});
